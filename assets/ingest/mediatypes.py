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
MP3 = MediaFormat(MediaType.AUDIO, "audio/mpeg", "mp3", ffmpeg_demuxer="mp3")
WAV = MediaFormat(MediaType.AUDIO, "audio/wav", "wav", ffmpeg_demuxer="wav")
FLAC = MediaFormat(MediaType.AUDIO, "audio/flac", "flac", ffmpeg_demuxer="flac")
OGG = MediaFormat(MediaType.AUDIO, "audio/ogg", "ogg", ffmpeg_demuxer="ogg")
M4A = MediaFormat(MediaType.AUDIO, "audio/mp4", "isobmff", ffmpeg_demuxer="mov")

# CONTRACT.md section 2: extensions compared case-insensitively.
FORMATS_BY_EXTENSION: dict[str, MediaFormat] = {
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".gif": GIF,
    ".mp4": MP4,
    ".mov": MOV,
    ".avi": AVI,
    ".mp3": MP3,
    ".wav": WAV,
    ".flac": FLAC,
    ".ogg": OGG,
    ".oga": OGG,
    ".opus": OGG,
    ".m4a": M4A,
}
SUPPORTED_EXTENSIONS = frozenset(FORMATS_BY_EXTENSION)
SNIFF_BYTES = 64

# An .mp4 or .mov holding only sound is registered as a video and becomes an audio asset when
# processing finds no picture in it (pipeline.process_file): only the decoder can tell.

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


def mime_type_of(kind: str, registered: str) -> str:
    """The MIME type of a file that processing found to be `kind`, registered as `registered`:
    an MP4 or QuickTime file with sound and no picture is audio/mp4 (RFC 4337), whatever its
    extension promised; anything else keeps its type."""
    if kind == MediaType.AUDIO and registered in {MP4.mime_type, MOV.mime_type}:
        return M4A.mime_type
    return registered


def is_supported_name(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_EXTENSIONS


# The first packet of an Ogg stream names its codec: the sound ones MAM takes (Theora video,
# which no browser plays, is not among them).
_OGG_AUDIO_CODECS = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC")
_OGG_PAGE_HEADER = 27  # bytes of a page header, up to its segment table


def _is_id3(head: bytes) -> bool:
    """An ID3v2 tag (what most MP3s begin with): "ID3", a version 2 to 4, and a size of
    four 7-bit bytes."""
    return (
        len(head) >= 10
        and head[:3] == b"ID3"
        and 2 <= head[3] <= 4
        and head[4] != 0xFF
        and all(b < 0x80 for b in head[6:10])
    )


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 set sync bits, then a version, a layer, a bitrate and a
    sample rate that are not the reserved values (a JPEG's FF D8 and AAC's ADTS FF F1 fail)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sample_rate != 0b11


def _is_ogg_audio(head: bytes) -> bool:
    if len(head) <= _OGG_PAGE_HEADER or head[:4] != b"OggS":
        return False
    # The header's last byte counts the segment table's entries; the packet follows them.
    packet = _OGG_PAGE_HEADER + head[_OGG_PAGE_HEADER - 1]
    return head[packet:].startswith(_OGG_AUDIO_CODECS)


def _sniffed_family(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if len(head) >= 8 and head[4:8] in _ISOBMFF_BOXES:
        return "isobmff"
    if head.startswith(b"fLaC"):
        return "flac"
    if _is_ogg_audio(head):
        return "ogg"
    if _is_id3(head) or _is_mpeg_audio_frame(head):
        return "mp3"
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
