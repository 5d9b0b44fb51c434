"""Supported media types and content sniffing: what a file is, from its own first bytes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assets.ingest.errors import ContentMismatch, UnsupportedType
from assets.models import MediaType


@dataclass(frozen=True)
class MediaFormat:
    """One supported container: its kind, MIME type, and the decoders allowed to open it."""

    kind: MediaType
    mime_type: str
    family: str  # what the first bytes must look like (see _sniffed_family)
    pillow_format: str | None = None  # Pillow's allow-list for this type
    ffmpeg_demuxer: str | None = None  # the one demuxer ffmpeg may use (pinned with -f)


JPEG = MediaFormat(MediaType.IMAGE, "image/jpeg", "jpeg", pillow_format="JPEG")
PNG = MediaFormat(MediaType.IMAGE, "image/png", "png", pillow_format="PNG")
GIF = MediaFormat(MediaType.IMAGE, "image/gif", "gif", pillow_format="GIF")
MP4 = MediaFormat(MediaType.VIDEO, "video/mp4", "isobmff", ffmpeg_demuxer="mov")
MOV = MediaFormat(MediaType.VIDEO, "video/quicktime", "isobmff", ffmpeg_demuxer="mov")
AVI = MediaFormat(MediaType.VIDEO, "video/x-msvideo", "avi", ffmpeg_demuxer="avi")

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
SNIFF_BYTES = 64

# ISO base media file format (MP4 and QuickTime) boxes that may open a file.
_ISOBMFF_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def format_for_name(name: str, *, raw: str | None = None) -> MediaFormat:
    """The format a file name's extension promises; UnsupportedType (context: `raw`, else
    the name) when MAM does not handle it."""
    suffix = Path(name).suffix.lower()
    try:
        return FORMATS_BY_EXTENSION[suffix]
    except KeyError:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UnsupportedType(
            f"Unsupported file type {suffix or '(none)'!r}; supported: {supported}",
            file_path=raw if raw is not None else name,
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


def check_content(name: str, head: bytes, *, raw: str | None = None) -> MediaFormat:
    """The format of a file named `name` whose first bytes are `head`, or ContentMismatch."""
    fmt = format_for_name(name, raw=raw)
    found = _sniffed_family(head)
    if found != fmt.family:
        what = f"{found} data" if found else "not a recognised media file"
        raise ContentMismatch(
            f"File content does not match its {Path(name).suffix.lower()} extension ({what})",
            file_path=raw if raw is not None else name,
        )
    return fmt
