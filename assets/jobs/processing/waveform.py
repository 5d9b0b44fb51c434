"""An audio file's thumbnail: a picture of its waveform, drawn by ffmpeg's showwavespic filter
under the same decoder limits as every other decoder, on a light background as a JPEG."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from assets.jobs.processing.decoders import DecoderLimits, input_options, run_decoder
from assets.jobs.processing.errors import CorruptMedia
from assets.jobs.processing.thumbnails import THUMBNAIL_EDGE, encode_jpeg

# The same width class as every thumbnail (the longest edge), 16:9 like most video tiles.
WAVEFORM_SIZE = (THUMBNAIL_EDGE, THUMBNAIL_EDGE * 9 // 16)
WAVEFORM_COLOUR = "0x2563eb"
WAVEFORM_BACKGROUND = (241, 245, 249)
# showwavespic keeps every sample until the end of the file, then draws: the sound is made
# mono at 8 kHz first, so an hour of it holds 58 MB (16-bit) rather than 1.3 GB (44.1 kHz
# stereo float), well inside the decoder's memory limit. 8 kHz still gives 90 samples to each
# of the 320 columns of a one-second clip.
WAVEFORM_SAMPLE_RATE = 8000


def waveform_command(path: Path, demuxer: str, ffmpeg_binary: str) -> list[str]:
    """The ffmpeg command line that writes the first audio stream's waveform as one PNG (with
    transparency around the wave) to stdout, the input pinned like every decoder's."""
    width, height = WAVEFORM_SIZE
    graph = (
        f"[0:a:0]aformat=channel_layouts=mono,aresample={WAVEFORM_SAMPLE_RATE},"
        f"showwavespic=s={width}x{height}:colors={WAVEFORM_COLOUR}:draw=full:filter=peak[wave]"
    )
    return [
        ffmpeg_binary,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-threads",
        "1",
        *(arg for name, value in input_options(demuxer).items() for arg in (f"-{name}", value)),
        "-i",
        f"file:{path}",
        "-filter_complex",
        graph,
        "-map",
        "[wave]",
        "-frames:v",
        "1",
        "-c:v",
        "png",
        "-f",
        "image2pipe",
        "pipe:1",
    ]


def render_waveform(path: Path, demuxer: str, limits: DecoderLimits) -> bytes:
    """The waveform as a WAVEFORM_SIZE JPEG; CorruptMedia when no sound can be decoded."""
    png = run_decoder(waveform_command(path, demuxer, limits.ffmpeg), limits)
    if not png:
        raise CorruptMedia("No sound could be decoded from the file")
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as wave:
            canvas = Image.new("RGB", wave.size, WAVEFORM_BACKGROUND)
            canvas.paste(wave, mask=wave.convert("RGBA").getchannel("A"))
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptMedia(f"ffmpeg drew an unreadable waveform: {exc}") from None
    return encode_jpeg(canvas)
