"""Supported media types and content sniffing: what a file is, from its own first bytes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


@dataclass(frozen=True)
class MediaFormat:
    """One supported container: its kind, MIME type, and the decoders allowed to open it."""

    kind: MediaKind
    mime_type: str
    pillow_format: str | None = None  # Pillow's allow-list for this type
    ffmpeg_demuxer: str | None = None  # the one demuxer ffmpeg may use (pinned with -f)


JPEG = MediaFormat(MediaKind.IMAGE, "image/jpeg", pillow_format="JPEG")
PNG = MediaFormat(MediaKind.IMAGE, "image/png", pillow_format="PNG")
GIF = MediaFormat(MediaKind.IMAGE, "image/gif", pillow_format="GIF")
MP4 = MediaFormat(MediaKind.VIDEO, "video/mp4", ffmpeg_demuxer="mov")
MOV = MediaFormat(MediaKind.VIDEO, "video/quicktime", ffmpeg_demuxer="mov")
AVI = MediaFormat(MediaKind.VIDEO, "video/x-msvideo", ffmpeg_demuxer="avi")

# CONTRACT.md section 2: extensions compared case-insensitively.
FORMATS_BY_EXTENSION: dict[str, MediaFormat] = {
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".gif": GIF,
    ".mp4": MP4,
    ".mov": MOV,
    ".avi": AVI,
}
SUPPORTED_EXTENSIONS = frozenset(FORMATS_BY_EXTENSION)
FORMATS_BY_MIME = {f.mime_type: f for f in FORMATS_BY_EXTENSION.values()}
SNIFF_BYTES = 64

# ISO base media file format (MP4 and QuickTime) boxes that may open a file.
_ISOBMFF_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


class UnsupportedType(ValueError):
    """The extension is not one MAM handles."""


class ContentMismatch(ValueError):
    """The file's bytes are not what its extension claims."""


def format_for_name(name: str) -> MediaFormat:
    suffix = Path(name).suffix.lower()
    try:
        return FORMATS_BY_EXTENSION[suffix]
    except KeyError:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UnsupportedType(
            f"Unsupported file type {suffix or '(none)'!r}; supported: {supported}"
        ) from None


def is_supported_name(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_EXTENSIONS


def _sniffed_family(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if len(head) >= 8 and head[4:8] in _ISOBMFF_BOXES:
        return "isobmff"
    return None


_FAMILY = {JPEG: "jpeg", PNG: "png", GIF: "gif", MP4: "isobmff", MOV: "isobmff", AVI: "avi"}


def check_content(name: str, head: bytes) -> MediaFormat:
    """The format of a file named `name` whose first bytes are `head`, or ContentMismatch."""
    fmt = format_for_name(name)
    found = _sniffed_family(head)
    if found != _FAMILY[fmt]:
        what = f"{found} data" if found else "not a recognised media file"
        raise ContentMismatch(
            f"File content does not match its {Path(name).suffix.lower()} extension ({what})"
        )
    return fmt


def sniff_file(name: str, stream: BinaryIO) -> MediaFormat:
    return check_content(name, stream.read(SNIFF_BYTES))
