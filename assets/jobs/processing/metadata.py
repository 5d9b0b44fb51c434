"""Metadata extraction: images with Pillow, videos and audio with ffprobe."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from PIL import ExifTags, Image, UnidentifiedImageError

from assets.jobs.processing.decoders import DecoderLimits, input_options, run_decoder
from assets.jobs.processing.errors import CorruptMedia
from assets.jobs.processing.keywords import keywords_of


@dataclass(frozen=True)
class ImageInfo:
    width: int  # after EXIF orientation
    height: int
    format: str
    mode: str
    frame_count: int = 1
    duration: float | None = None  # seconds, animations only
    duration_estimated: bool = False  # too many frames to walk: extrapolated from the first
    exif: dict[str, str] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()  # IPTC, XMP and XP keywords (processing.keywords)

    def as_metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {"width": self.width, "height": self.height}
        if self.frame_count > 1:
            out["frame_count"] = self.frame_count
            out["duration"] = self.duration
            if self.duration_estimated:
                out["duration_estimated"] = True
        out.update(self.exif)
        if self.keywords:
            out["keywords"] = list(self.keywords)
        return out


@dataclass(frozen=True)
class VideoInfo:
    width: int  # as displayed: after the sample aspect ratio and rotation
    height: int
    duration: float | None
    codec: str
    fps: float | None
    bitrate: int | None
    has_audio: bool
    audio_codec: str | None = None
    rotation: int = 0
    container: str = ""
    # Anamorphic video only (sample aspect ratio not 1:1): the frame size as stored, before
    # the stretch and the rotation, and the ratio, e.g. "2:1".
    coded_width: int | None = None
    coded_height: int | None = None
    sample_aspect_ratio: str | None = None
    captured_at: str | None = None  # the container's creation_time, ISO 8601
    camera: str | None = None  # "Make Model" from the container's tags, as for photos

    def as_metadata(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "container"}


@dataclass(frozen=True)
class AudioInfo:
    duration: float | None
    codec: str
    bitrate: int | None
    sample_rate: int | None
    channels: int | None
    channel_layout: str | None = None  # ffprobe's name: "mono", "stereo", "5.1(side)"
    container: str = ""
    # What the file's tags call the recording (ID3, Vorbis comments, MP4 atoms).
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    captured_at: str | None = None  # the container's creation_time, ISO 8601

    def as_metadata(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "container"}


# Walking an animation's frames: at most this many canvas pixels in all, and this many frames.
FRAME_PIXEL_BUDGET = 250_000_000
MAX_FRAMES_INSPECTED = 1_000
# A decoded canvas at its widest (RGBA), for the memory check before decoding.
DECODED_BYTES_PER_PIXEL = 4

# EXIF tags worth showing: capture time and camera.
_EXIF_IFD = 0x8769
_ORIENTATION = 0x0112
_SWAPPING_ORIENTATIONS = {5, 6, 7, 8}


@contextmanager
def hostile_image_guard(limits: DecoderLimits) -> Iterator[None]:
    """Decompression bombs are errors, not warnings, within this block."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise CorruptMedia(f"Image is too large to process safely: {exc}") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def open_image(source: IO[bytes], pillow_format: str) -> Image.Image:
    """Opens only with the one decoder the file's type allows."""
    try:
        return Image.open(source, formats=[pillow_format])
    except UnidentifiedImageError:
        raise CorruptMedia(f"Not a readable {pillow_format} image") from None


def _exif_summary(image: Image.Image) -> tuple[int, dict[str, str]]:
    exif = image.getexif()
    orientation = int(exif.get(_ORIENTATION, 1) or 1)
    out: dict[str, str] = {}
    make, model = exif.get(ExifTags.Base.Make), exif.get(ExifTags.Base.Model)
    camera = " ".join(str(p).strip("\x00 ") for p in (make, model) if p)
    if camera:
        out["camera"] = camera[:120]
    taken = exif.get_ifd(_EXIF_IFD).get(ExifTags.Base.DateTimeOriginal) or exif.get(
        ExifTags.Base.DateTime
    )
    if isinstance(taken, str):
        # EXIF times carry no zone: kept as the camera's local wall-clock time.
        with suppress(ValueError):
            captured = datetime.strptime(taken.strip("\x00 "), "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
            out["captured_at"] = captured.isoformat()
    return orientation, out


def frames_to_inspect(width: int, height: int, frames: int) -> int:
    """How many of an animation's frames may be walked: seeking to a frame decodes it onto the
    whole canvas, so the work is bounded by canvas pixels x frames before any is decoded (a
    46 KB GIF can declare a 13000x13000 canvas and 2,000 frames)."""
    by_budget = FRAME_PIXEL_BUDGET // max(1, width * height)
    return max(1, min(frames, MAX_FRAMES_INSPECTED, by_budget))


def image_info(image: Image.Image) -> ImageInfo:
    """Reads what the header and EXIF say, without seeking: the duration of an animation is
    added by animation_duration() from a handle of its own."""
    orientation, exif = _exif_summary(image)
    width, height = image.size
    if orientation in _SWAPPING_ORIENTATIONS:
        width, height = height, width
    return ImageInfo(
        width=width,
        height=height,
        format=image.format or "",
        mode=image.mode,
        frame_count=int(getattr(image, "n_frames", 1) or 1),  # counting parses, not decodes
        exif=exif,
        keywords=tuple(keywords_of(image)),
    )


def animation_duration(frames: Image.Image) -> tuple[float, bool]:
    """(seconds, estimated) of an animation, walking as many frames as frames_to_inspect
    allows and extrapolating the rest.

    Seeking changes the image it is done on (Pillow grows a GIF's canvas to fit frames that
    overflow the logical screen; an APNG palette frame sought back to comes out black), so
    `frames` must be a handle of its own, never the one the thumbnail is rendered from.
    """
    count = int(getattr(frames, "n_frames", 1) or 1)
    inspected = frames_to_inspect(frames.width, frames.height, count)
    total_ms = 0
    for index in range(inspected):
        frames.seek(index)
        total_ms += int(frames.info.get("duration", 0) or 0)
    if inspected < count:
        return round(total_ms * count / inspected / 1000, 3), True
    return round(total_ms / 1000, 3), False


def check_decode_memory(image: Image.Image, limits: DecoderLimits) -> None:
    """Refuses an image whose decoded canvas alone would exceed the per-file memory limit
    (decoding happens in the worker itself, so this is Pillow's share of that limit)."""
    needed = image.width * image.height * DECODED_BYTES_PER_PIXEL
    if needed > limits.memory_bytes:
        raise CorruptMedia(
            f"Image needs about {needed // 2**20} MiB to decode, over the limit of "
            f"{limits.memory_bytes // 2**20} MiB"
        )


def _fraction(value: str | None) -> float | None:
    if not value or value in {"0/0", "N/A"}:
        return None
    num, _, den = value.partition("/")
    try:
        result = float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return None
    return round(result, 3) if result > 0 else None


def _rotation(stream: dict[str, Any]) -> int:
    for side in stream.get("side_data_list", []) or []:
        if "rotation" in side:
            return int(float(side["rotation"])) % 360
    rotate = (stream.get("tags") or {}).get("rotate")
    return int(float(rotate)) % 360 if rotate else 0


def probe_report(path: Path, demuxer: str, limits: DecoderLimits) -> dict[str, Any]:
    """ffprobe's account of the file's container and streams, pinned to its demuxer."""
    args = [
        limits.ffprobe,
        "-v",
        "error",
        *(arg for name, value in input_options(demuxer).items() for arg in (f"-{name}", value)),
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        f"file:{path}",
    ]
    try:
        report = json.loads(run_decoder(args, limits) or b"{}")
    except json.JSONDecodeError:
        raise CorruptMedia("ffprobe returned unreadable output") from None
    return report if isinstance(report, dict) else {}


def _stream(report: dict[str, Any], codec_type: str) -> dict[str, Any] | None:
    """The first stream of the type; a cover picture attached to a song is not video."""
    for stream in report.get("streams") or []:
        attached = (stream.get("disposition") or {}).get("attached_pic")
        if stream.get("codec_type") == codec_type and not attached and isinstance(stream, dict):
            return stream
    return None


def has_picture(report: dict[str, Any]) -> bool:
    """Whether the file has a video stream to show (an audio file's cover art is not one)."""
    video = _stream(report, "video")
    return video is not None and bool(video.get("width"))


def has_sound(report: dict[str, Any]) -> bool:
    return _stream(report, "audio") is not None


def probe_video(path: Path, demuxer: str, limits: DecoderLimits) -> VideoInfo:
    return video_info_of(probe_report(path, demuxer, limits), demuxer)


def video_info_of(report: dict[str, Any], demuxer: str) -> VideoInfo:
    """The video's metadata from probe_report(); CorruptMedia when it has no picture."""
    video = _stream(report, "video")
    if video is None or not video.get("width"):
        raise CorruptMedia("No video stream found")
    audio = _stream(report, "audio")
    fmt = report.get("format") or {}
    rotation = _rotation(video)
    coded_width, coded_height = int(video["width"]), int(video["height"])
    sar = _aspect_ratio(video.get("sample_aspect_ratio"))
    # Players keep the height and stretch the width by the sample aspect ratio.
    width = max(1, round(coded_width * sar[0] / sar[1])) if sar else coded_width
    height = coded_height
    if rotation in {90, 270}:
        width, height = height, width
    duration = _float(fmt.get("duration")) or _float(video.get("duration"))
    bitrate = _float(fmt.get("bit_rate")) or _float(video.get("bit_rate"))
    return VideoInfo(
        width=width,
        height=height,
        duration=round(duration, 3) if duration else None,
        codec=str(video.get("codec_name", "unknown")),
        fps=_fraction(video.get("avg_frame_rate")) or _fraction(video.get("r_frame_rate")),
        bitrate=int(bitrate) if bitrate else None,
        has_audio=audio is not None,
        audio_codec=str(audio.get("codec_name")) if audio else None,
        rotation=rotation,
        container=str(fmt.get("format_name", demuxer)),
        coded_width=coded_width if sar else None,
        coded_height=coded_height if sar else None,
        sample_aspect_ratio=f"{sar[0]}:{sar[1]}" if sar else None,
        captured_at=_creation_time(fmt, video),
        camera=_video_camera(fmt),
    )


_PLAIN_LAYOUTS = {1: "mono", 2: "stereo"}
# How long a tag value may be in the metadata: titles, not essays.
AUDIO_TAG_MAX_CHARS = 300


def _audio_tag(fmt: dict[str, Any], audio: dict[str, Any], name: str) -> str | None:
    """A title/artist/album tag, in any letter case, from the container (ID3, MP4) or the
    stream (Ogg and FLAC keep their Vorbis comments there)."""
    for tags in (fmt.get("tags"), audio.get("tags")):
        for key, value in (tags if isinstance(tags, dict) else {}).items():
            text = str(value).strip("\x00 \t\r\n")
            if str(key).lower() == name and text:
                return text[:AUDIO_TAG_MAX_CHARS]
    return None


def audio_info_of(report: dict[str, Any], demuxer: str) -> AudioInfo:
    """The sound's metadata from probe_report(); CorruptMedia when it has no audio stream."""
    audio = _stream(report, "audio")
    if audio is None:
        raise CorruptMedia("No audio stream found")
    fmt = report.get("format") or {}
    duration = _float(fmt.get("duration")) or _float(audio.get("duration"))
    bitrate = _float(audio.get("bit_rate")) or _float(fmt.get("bit_rate"))
    rate = _float(audio.get("sample_rate"))
    raw_channels = audio.get("channels")
    channels = raw_channels if isinstance(raw_channels, int) and raw_channels > 0 else None
    # WAV and some raw streams name no layout: one channel is mono and two are stereo.
    layout = audio.get("channel_layout") or _PLAIN_LAYOUTS.get(channels or 0)
    return AudioInfo(
        duration=round(duration, 3) if duration else None,
        codec=str(audio.get("codec_name") or "unknown"),
        bitrate=int(bitrate) if bitrate else None,
        sample_rate=int(rate) if rate else None,
        channels=channels,
        channel_layout=str(layout) if layout else None,
        container=str(fmt.get("format_name", demuxer)),
        title=_audio_tag(fmt, audio, "title"),
        artist=_audio_tag(fmt, audio, "artist"),
        album=_audio_tag(fmt, audio, "album"),
        captured_at=_creation_time(fmt, audio),
    )


# Where phones and cameras name themselves in an MP4/QuickTime file (ffprobe's format tags):
# Apple's QuickTime keys, Android's, and the plain ones some cameras write.
_CAMERA_TAGS = (
    ("com.apple.quicktime.make", "com.apple.quicktime.model"),
    ("com.android.manufacturer", "com.android.model"),
    ("make", "model"),
)


def _video_camera(fmt: dict[str, Any]) -> str | None:
    """The recording device as "Make Model" (the model alone when it already names the make),
    from the container's tags; None when it does not say."""
    tags = {str(k).lower(): str(v).strip() for k, v in (fmt.get("tags") or {}).items()}
    for make_key, model_key in _CAMERA_TAGS:
        make, model = tags.get(make_key, ""), tags.get(model_key, "")
        if model.lower().startswith(make.lower()):
            make = ""
        camera = " ".join(part for part in (make, model) if part)
        if camera:
            return camera[:120]
    return None


def _creation_time(fmt: dict[str, Any], video: dict[str, Any]) -> str | None:
    """When the camera says the recording began (the container's creation_time, UTC), as
    ISO 8601; None when absent or unreadable."""
    for tags in (fmt.get("tags") or {}, video.get("tags") or {}):
        raw = tags.get("creation_time") if isinstance(tags, dict) else None
        if isinstance(raw, str) and raw:
            with suppress(ValueError):
                return datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
    return None


def _aspect_ratio(value: Any) -> tuple[int, int] | None:
    """A sample aspect ratio ("2:1", "64:45") when it is known and not 1:1; else None."""
    num, sep, den = str(value or "").partition(":")
    try:
        ratio = (int(num), int(den)) if sep else None
    except ValueError:
        return None
    if ratio is None or ratio[0] <= 0 or ratio[1] <= 0 or ratio[0] == ratio[1]:
        return None
    return ratio


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "N/A") else None
    except (TypeError, ValueError):
        return None
