"""Audio fixtures made on the fly with the ffmpeg MAM uses (no binaries in git)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mam.config import Config

# Suffix -> (codec arguments, container) for make_audio's defaults.
_DEFAULT_CODECS: dict[str, list[str]] = {
    ".mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    ".wav": ["-c:a", "pcm_s16le"],
    ".flac": ["-c:a", "flac"],
    ".ogg": ["-c:a", "libvorbis", "-q:a", "2"],
    ".opus": ["-c:a", "libopus", "-b:a", "48k"],
    ".m4a": ["-c:a", "aac", "-b:a", "64k"],
    ".mp4": ["-c:a", "aac", "-b:a", "64k"],
    ".mov": ["-c:a", "aac", "-b:a", "64k"],
}


def make_audio(
    path: Path,
    seconds: float = 2.0,
    *,
    codec: list[str] | None = None,
    sample_rate: int = 44100,
    channels: int = 2,
    tags: dict[str, str] | None = None,
    container: str | None = None,
) -> Path:
    """A sine tone rising in loudness (so its waveform is not flat), encoded by `codec`
    (the suffix's usual codec by default), with optional title/artist/album tags."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [
        Config.FFMPEG_BINARY,
        "-y",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:sample_rate={sample_rate}:duration={seconds}",
        "-af",
        f"volume='t/{seconds}':eval=frame",
        "-ac",
        str(channels),
        *(codec if codec is not None else _DEFAULT_CODECS[path.suffix.lower()]),
    ]
    for key, value in (tags or {}).items():
        args += ["-metadata", f"{key}={value}"]
    if container:
        args += ["-f", container]
    args.append(str(path))
    subprocess.run(args, check=True, timeout=120)
    return path
