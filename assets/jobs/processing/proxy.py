"""Proxies: an H.264/AAC MP4 of at most 720p for the videos a browser cannot play as they are,
and an AAC .m4a for such audio, decided from what ffprobe says of the codecs and the
container (never from the extension)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assets.jobs.processing.decoders import DecoderLimits, input_options, run_decoder
from assets.jobs.processing.errors import CorruptMedia, DecoderTimeout, TransientProcessingError

# Bumped whenever the same source would be transcoded differently: names are served as
# immutable, so a changed proxy needs a new name.
PROXY_VERSION = 1
# 720p: the long edge at most 1280 and the short one at most 720, whichever way up.
PROXY_LONG_EDGE = 1280
PROXY_SHORT_EDGE = 720
# x264's default quality; veryfast by measurement (docs/BENCHMARKS.md, "Video proxies"): a
# proxy is for looking at, and a slower preset would make ingest wait on it.
PROXY_PRESET = "veryfast"
PROXY_CRF = 23
PROXY_AUDIO_BITRATE = "128k"
# Rates the AAC encoder takes; anything else is resampled to 48 kHz.
AAC_SAMPLE_RATES = frozenset(
    {7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000}
)

# What Chromium plays, per container family: ffprobe's format_name for the demuxer that read
# the file ("mov,mp4,m4a,3gp,3g2,mj2" for MP4 and QuickTime, "matroska,webm" for both of
# those, "ogg"). HEVC is left out: Chromium plays it only where the platform has a hardware
# decoder, and Debian's Chromium has none. Chromium has no Theora decoder since version 123,
# so no Ogg video plays. AVI is not a container Chromium reads at all.
_PLAYABLE_VIDEO = {
    "mp4": frozenset({"h264", "vp9", "av1"}),
    "webm": frozenset({"vp8", "vp9", "av1"}),
    "ogg": frozenset[str](),
}
# Linear PCM in a QuickTime file is what many cameras write beside H.264: Chromium plays every
# variant below (Debian's Chromium, tried with generated files: sound decoded for each), not
# ALAC or AC-3 (the video plays, silent).
_PCM = frozenset(
    {"pcm_u8", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_f32le"}
)
_PLAYABLE_AUDIO = {
    "mp4": frozenset({"aac", "mp3", "opus", "flac"}) | _PCM,
    "webm": frozenset({"opus", "vorbis"}),
    "ogg": frozenset({"opus", "vorbis", "flac"}),
    # The sound-only containers: MP3, WAV (linear PCM; not ADPCM, mu-law or GSM) and FLAC.
    "mp3": frozenset({"mp3"}),
    "wav": _PCM,
    "flac": frozenset({"flac"}),
}
# 8-bit 4:2:0 H.264 is what every Chromium build is sure to decode; High 10, 4:2:2 and 4:4:4
# get a proxy, which plays everywhere (Debian's Chromium, tried with generated files, plays
# High 10 and 4:4:4 too, but builds differ, and hardware decoders take 8-bit 4:2:0 only).
_H264_PIXEL_FORMATS = frozenset({"yuv420p", "yuvj420p"})
_H264_UNPLAYABLE_PROFILES = ("10", "4:2:2", "4:4:4")
# VP8, VP9 and AV1 (libvpx and dav1d) take 8 and 10 bits at 4:2:0; VP8 also with alpha.
_OPEN_CODEC_PIXEL_FORMATS = frozenset({"yuv420p", "yuvj420p", "yuv420p10le", "yuva420p"})
_CODEC_NAMES = {
    "hevc": "HEVC (H.265)",
    "mpeg4": "MPEG-4 Part 2",
    "mjpeg": "Motion JPEG",
    "h264": "H.264",
    "prores": "ProRes",
}


@dataclass(frozen=True)
class PlaybackProbe:
    """What ffprobe says that decides whether a browser plays a file as it is."""

    container: str  # ffprobe's format_name
    video_codec: str | None  # None: a sound-only file (audio_playback_of)
    video_profile: str | None
    pixel_format: str | None
    audio_codec: str | None  # None: no audio stream
    audio_sample_rate: int | None = None

    @classmethod
    def from_ffprobe(cls, report: dict[str, Any]) -> PlaybackProbe:
        """From `ffprobe -print_format json -show_format -show_streams` output."""
        streams = report.get("streams") or []
        video = next((s for s in streams if s.get("codec_type") == "video"), None)
        if video is None:
            raise CorruptMedia("No video stream found")
        audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
        rate = str((audio or {}).get("sample_rate") or "")
        return cls(
            container=str((report.get("format") or {}).get("format_name") or ""),
            video_codec=str(video.get("codec_name") or "unknown"),
            video_profile=str(video["profile"]) if video.get("profile") else None,
            pixel_format=str(video["pix_fmt"]) if video.get("pix_fmt") else None,
            audio_codec=str(audio.get("codec_name") or "unknown") if audio else None,
            audio_sample_rate=int(rate) if rate.isdigit() else None,
        )


def audio_playback_of(report: dict[str, Any]) -> PlaybackProbe:
    """What decides whether a browser plays a sound-only file, from the full ffprobe report
    the metadata was read from (`-show_format -show_streams`: no second ffprobe)."""
    streams = report.get("streams") or []
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if audio is None:
        raise CorruptMedia("No audio stream found")
    rate = str(audio.get("sample_rate") or "")
    return PlaybackProbe(
        container=str((report.get("format") or {}).get("format_name") or ""),
        video_codec=None,
        video_profile=None,
        pixel_format=None,
        audio_codec=str(audio.get("codec_name") or "unknown"),
        audio_sample_rate=int(rate) if rate.isdigit() else None,
    )


@dataclass(frozen=True)
class Proxy:
    name: str  # beside the thumbnails, named by the source's checksum and the proxy version
    width: int | None  # None: an audio proxy
    height: int | None


def proxy_name(checksum: str, *, audio: bool = False) -> str:
    """`<sha256>-proxy-v<version>.mp4`, or `.m4a` for a sound-only file's proxy."""
    return f"{checksum}-proxy-v{PROXY_VERSION}.{'m4a' if audio else 'mp4'}"


def playback_probe(path: Path, demuxer: str, limits: DecoderLimits) -> PlaybackProbe:
    """Asks ffprobe, pinned to the file's demuxer like every decoder, for the codecs, the
    profile, the pixel format and the container."""
    args = [
        limits.ffprobe,
        "-v",
        "error",
        *(arg for name, value in input_options(demuxer).items() for arg in (f"-{name}", value)),
        "-print_format",
        "json",
        "-show_entries",
        "format=format_name:stream=codec_type,codec_name,profile,pix_fmt,sample_rate",
        f"file:{path}",
    ]
    try:
        report = json.loads(run_decoder(args, limits) or b"{}")
    except json.JSONDecodeError:
        raise CorruptMedia("ffprobe returned unreadable output") from None
    return PlaybackProbe.from_ffprobe(report)


def _container_family(format_name: str) -> str | None:
    names = set(format_name.split(","))
    if names & {"mov", "mp4"}:
        return "mp4"
    if names & {"webm", "matroska"}:
        return "webm"
    if "ogg" in names:
        return "ogg"
    for sound_only in ("mp3", "wav", "flac"):
        if sound_only in names:
            return sound_only
    return None


def _codec(name: str) -> str:
    return _CODEC_NAMES.get(name, name)


def unplayable_reason(probe: PlaybackProbe) -> str | None:
    """Why Chromium would not play the original, or None when it would."""
    family = _container_family(probe.container)
    if family is None:
        return f"Browsers do not play the {probe.container.split(',')[0] or 'unknown'} container"
    codec = probe.video_codec
    if codec is None:
        sound = probe.audio_codec or "unknown"
        if sound not in _PLAYABLE_AUDIO[family]:
            return f"Browsers do not play {sound} audio in this container"
        return None
    if codec not in _PLAYABLE_VIDEO.get(family, frozenset()):
        return f"Browsers do not play {_codec(codec)} video in this container"
    pixels = probe.pixel_format or ""
    if codec == "h264":
        profile = probe.video_profile or ""
        if pixels not in _H264_PIXEL_FORMATS or any(
            p in profile for p in _H264_UNPLAYABLE_PROFILES
        ):
            detail = profile or pixels or "of an unknown kind"
            return f"Browsers play only 8-bit 4:2:0 H.264, not {detail}"
    elif pixels not in _OPEN_CODEC_PIXEL_FORMATS:
        return f"Browsers do not play {_codec(codec)} in {pixels or 'an unknown pixel format'}"
    audio = probe.audio_codec
    if audio is not None and audio not in _PLAYABLE_AUDIO[family]:
        return f"Browsers do not play {audio} audio in this container"
    return None


def browser_playable(probe: PlaybackProbe) -> bool:
    """Whether Chromium plays the original as it is (then it gets no proxy)."""
    return unplayable_reason(probe) is None


def _even_at_most(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def proxy_size(display_width: int, display_height: int) -> tuple[int, int]:
    """The proxy's frame size for a video shown at display_width x display_height (after its
    sample aspect ratio and rotation): within 1280x720 (720x1280 upright), the display aspect
    kept in square pixels, never upscaled, both even (H.264 4:2:0 needs that)."""
    long_edge = max(display_width, display_height, 1)
    short_edge = max(min(display_width, display_height), 1)
    scale = min(1.0, PROXY_LONG_EDGE / long_edge, PROXY_SHORT_EDGE / short_edge)
    return _even_at_most(display_width * scale), _even_at_most(display_height * scale)


def proxy_command(
    path: Path,
    demuxer: str,
    size: tuple[int, int] | None,
    output: Path,
    *,
    ffmpeg_binary: str,
    audio: bool,
    audio_sample_rate: int | None = None,
) -> list[str]:
    """The ffmpeg command line that writes the proxy to `output`.

    ffmpeg applies the rotation before the filters, so `size` is the upright one; setsar=1
    makes an anamorphic source's pixels square at its display shape. `size` None: a
    sound-only file, whose proxy is its first audio stream alone (AAC, in an .m4a).
    """
    args = [
        ffmpeg_binary,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        *(arg for name, value in input_options(demuxer).items() for arg in (f"-{name}", value)),
        "-i",
        f"file:{path}",
    ]
    if size is None:
        args.append("-vn")  # an MP3's cover picture is not wanted in the proxy
    else:
        width, height = size
        args += [
            "-map",
            "0:v:0",
            "-vf",
            f"scale=w={width}:h={height},setsar=1,format=yuv420p",
            "-c:v",
            "libx264",
            "-profile:v",
            "high",
            "-preset",
            PROXY_PRESET,
            "-crf",
            str(PROXY_CRF),
        ]
    if audio:
        args += ["-map", "0:a:0", "-c:a", "aac", "-b:a", PROXY_AUDIO_BITRATE, "-ac", "2"]
        if audio_sample_rate not in AAC_SAMPLE_RATES:
            args += ["-ar", "48000"]
    return [
        *args,
        "-sn",
        "-dn",
        "-map_metadata",
        "-1",
        # A sparse audio track must not stop the muxer while the video catches up.
        "-max_muxing_queue_size",
        "1024",
        # The moov atom before the media data: a browser starts playing (and seeking, with
        # Range requests) before it has the whole file.
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        "-y",
        f"file:{output}",
    ]


def make_proxy(
    path: Path,
    demuxer: str,
    probe: PlaybackProbe,
    display_size: tuple[int, int] | None,
    limits: DecoderLimits,
    directory: Path,
    name: str,
) -> Proxy:
    """Transcodes the video (or, `display_size` None, the sound-only file) into
    `directory/name` under the decoders' time and memory limits: into a temp file beside
    it, renamed once complete, so no reader sees half a proxy."""
    size = proxy_size(*display_size) if display_size is not None else None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".mp4")
        os.close(fd)
    except OSError as exc:
        raise TransientProcessingError(f"Could not write the proxy: {exc.strerror}") from None
    temp = Path(tmp)
    try:
        run_decoder(
            proxy_command(
                path,
                demuxer,
                size,
                temp,
                ffmpeg_binary=limits.ffmpeg,
                audio=probe.audio_codec is not None,
                audio_sample_rate=probe.audio_sample_rate,
            ),
            limits.for_transcode(),
        )
        if temp.stat().st_size == 0:
            raise CorruptMedia("ffmpeg wrote an empty proxy")
        os.chmod(temp, 0o644)
        os.replace(temp, directory / name)
    except DecoderTimeout as exc:
        raise DecoderTimeout(
            f"{exc}: the {'video' if size else 'recording'} is too long to copy into a format"
            " the browser plays within the processing time limit (MAM_TASK_SOFT_TIME_LIMIT;"
            " docs/operators.md)"
        ) from None
    except OSError as exc:
        raise TransientProcessingError(f"Could not write the proxy: {exc.strerror}") from None
    finally:
        temp.unlink(missing_ok=True)
    if size is None:
        return Proxy(name=name, width=None, height=None)
    return Proxy(name=name, width=size[0], height=size[1])
