"""Keywords a photo carries, which become its tags: IPTC `Keywords` (2:25), XMP `dc:subject`,
and Windows' EXIF `XPKeywords`. Read from hostile files, so bounded and never raising: a
keyword block that cannot be read is no keywords.

XMP is searched with a bounded regular expression rather than parsed as XML: an XML parser
on untrusted input is where entity expansion and external entities live.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from contextlib import suppress

from PIL import Image, ImageFile, IptcImagePlugin

MAX_KEYWORDS = 50  # as many tags as an asset may have
MAX_KEYWORD_LENGTH = 64  # as long as a tag name may be
MAX_XMP_BYTES = 1024 * 1024
_XP_KEYWORDS = 0x9C9E
_IPTC_KEYWORDS = (2, 25)
_SUBJECT = re.compile(rb"<dc:subject\b[^>]*>(.*?)</dc:subject>", re.DOTALL)
_ITEM = re.compile(rb"<rdf:li\b[^>]*>([^<]{1,256})</rdf:li>")


def keywords_of(image: Image.Image) -> list[str]:
    """The picture's keywords, in the order found, each once whatever its case."""
    found: list[str] = []
    for source in (_iptc, _xmp, _xp):
        with suppress(Exception):  # damaged metadata: no keywords from it, nothing else lost
            found.extend(source(image))
    return _cleaned(found)


def _cleaned(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for raw in names:
        name = " ".join(raw.replace("\x00", " ").split())
        if not name or len(name) > MAX_KEYWORD_LENGTH or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        out.append(name)
        if len(out) == MAX_KEYWORDS:
            break
    return out


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")  # IPTC's default character set before UTF-8


def _iptc(image: Image.Image) -> list[str]:
    if image.format not in {"JPEG", "TIFF"} or not isinstance(image, ImageFile.ImageFile):
        return []
    info = IptcImagePlugin.getiptcinfo(image) or {}
    value = info.get(_IPTC_KEYWORDS)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [_text(v) for v in values if isinstance(v, bytes)]


def _xmp(image: Image.Image) -> list[str]:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    if not isinstance(packet, bytes):
        return []
    subject = _SUBJECT.search(packet[:MAX_XMP_BYTES])
    if subject is None:
        return []
    return [html.unescape(_text(item)) for item in _ITEM.findall(subject.group(1))]


def _xp(image: Image.Image) -> list[str]:
    raw = image.getexif().get(_XP_KEYWORDS)
    if isinstance(raw, tuple):  # some writers store it as a tuple of byte values
        raw = bytes(raw)
    if not isinstance(raw, bytes):
        return []
    return raw.decode("utf-16-le", errors="ignore").split(";")
