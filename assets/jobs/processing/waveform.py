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
# showwavespic keeps every sample (and every frame holding them) until the end of the file,
# then draws. The sound is made mono at 8 kHz first and gathered into frames of 65,536
# samples: an hour of a 44.1 kHz stereo MP3 then peaks at 77 MB, against 248 MB with the
# decoder's small frames and 809 MB at the file's own rate and channels (docs/BENCHMARKS.md,
# "Audio waveforms"), the same picture each time. 8 kHz still gives 25 samples to each of the
# 320 columns of a one-second clip.
WAVEFORM_SAMPLE_RATE = 8000
WAVEFORM_FRAME_SAMPLES = 65_536


def waveform_command(path: Path, demuxer: str, ffmpeg_binary: str) -> list[str]:
    """The ffmpeg command line that writes the first audio stream's waveform as one PNG (with
    transparency around the wave) to stdout, the input pinned like every decoder's."""
    width, height = WAVEFORM_SIZE
    graph = (
        # A two-tap resampler: a picture 320 columns wide needs no anti-aliasing filter, and
        # the default 32-tap one costs a third more time (docs/BENCHMARKS.md).
        f"[0:a:0]aformat=channel_layouts=mono,"
        f"aresample={WAVEFORM_SAMPLE_RATE}:filter_size=2:phase_shift=0,"
        # p=0: the last frame is not padded with silence (a short clip would be squeezed left).
        f"asetnsamples=n={WAVEFORM_FRAME_SAMPLES}:p=0,"
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
