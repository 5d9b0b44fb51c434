"""Scrub strips: small frames at even intervals in one JPEG sprite sheet, and the WebVTT file
that maps each stretch of time to its tile (what players read for seek-bar previews). Both
made by one ffmpeg run under the decoders' limits, written atomically."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from assets.jobs.processing.decoders import DecoderLimits, input_options, run_decoder
from assets.jobs.processing.errors import CorruptMedia
from assets.jobs.processing.thumbnails import fit_within, write_atomically

# Bumped whenever the same source would give a different strip (names are served immutable).
SCRUB_VERSION = 1
SCRUB_TILE_EDGE = 160  # the longest edge of one tile, never upscaled
SCRUB_MAX_TILES = 100
# Tiles closer than this show nearly the same frame: a 10 s clip gets 20, not 100.
SCRUB_MIN_INTERVAL = 0.5
SCRUB_COLUMNS = 10
# Tiles this far apart are taken from keyframes only (ffmpeg's -skip_frame nokey): decoding
# every frame of an hour of 1080p takes longer than the decoders' time limit, and a phone or
# camera puts a keyframe every second or two, so a tile is at most a GOP off its time.
SCRUB_KEYFRAMES_ONLY_INTERVAL = 5.0
SCRUB_JPEG_QSCALE = 5  # ffmpeg's mjpeg -q:v, 2 (best) to 31


@dataclass(frozen=True)
class ScrubStrip:
    vtt_name: str  # the WebVTT file; it names the sprite (sprite_name_for)
    sprite_name: str
    tiles: int
    tile_width: int
    tile_height: int
    columns: int


@dataclass(frozen=True)
class StripLayout:
    """Where each frame goes: `tiles` frames at `interval` seconds apart, in rows of
    `columns` tiles of tile_width x tile_height."""

    duration: float
    tiles: int
    interval: float
    columns: int
    rows: int
    tile_width: int
    tile_height: int

    @property
    def size(self) -> tuple[int, int]:
        return self.columns * self.tile_width, self.rows * self.tile_height

    @property
    def keyframes_only(self) -> bool:
        return self.interval >= SCRUB_KEYFRAMES_ONLY_INTERVAL

    def tile_box(self, index: int) -> tuple[int, int, int, int]:
        """(x, y, w, h) of tile `index` in the sprite."""
        row, column = divmod(index, self.columns)
        return column * self.tile_width, row * self.tile_height, self.tile_width, self.tile_height


def scrub_vtt_name(checksum: str) -> str:
    """`<sha256>-scrub-v<version>.vtt`."""
    return f"{checksum}-scrub-v{SCRUB_VERSION}.vtt"


def sprite_name_for(vtt_name: str) -> str:
    """The sprite a scrub strip's WebVTT file points at: its name with `.jpg` for `.vtt`. So
    the sprite needs no key of its own in the metadata: it goes wherever its VTT goes."""
    return vtt_name.removesuffix(".vtt") + ".jpg"


def strip_layout(duration: float, display_size: tuple[int, int]) -> StripLayout:
    """Up to SCRUB_MAX_TILES frames spread evenly over `duration`, at least SCRUB_MIN_INTERVAL
    apart, each tile the display shape within SCRUB_TILE_EDGE."""
    if not duration or duration <= 0 or not math.isfinite(duration):
        raise CorruptMedia("The video's duration is unknown: no scrub strip can be spaced")
    tiles = max(1, min(SCRUB_MAX_TILES, math.floor(duration / SCRUB_MIN_INTERVAL)))
    columns = min(SCRUB_COLUMNS, tiles)
    tile_width, tile_height = fit_within(*display_size, SCRUB_TILE_EDGE)
    return StripLayout(
        duration=duration,
        tiles=tiles,
        interval=duration / tiles,
        columns=columns,
        rows=math.ceil(tiles / columns),
        tile_width=tile_width,
        tile_height=tile_height,
    )


def sprite_command(path: Path, demuxer: str, layout: StripLayout, ffmpeg_binary: str) -> list[str]:
    """One ffmpeg run: the fps filter (rounding to the nearest output time) keeps, of the
    frames around each multiple of the interval, the last one, which is the frame from the
    middle of that tile's cue (cue k spans k to k + 1 intervals); scale makes it a tile
    (square pixels, upright: the rotation is applied before the filters) and tile lays them
    out; the first full sheet, or the partial one at the end of the stream, is the one JPEG
    written to stdout. Tiles far apart come from keyframes alone (keyframes_only)."""
    filters = ",".join(
        [
            f"fps=fps={layout.tiles}/{layout.duration:.6f}",
            f"scale=w={layout.tile_width}:h={layout.tile_height},setsar=1",
            f"tile=layout={layout.columns}x{layout.rows}",
        ]
    )
    return [
        ffmpeg_binary,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        *(["-skip_frame", "nokey"] if layout.keyframes_only else []),
        *(arg for name, value in input_options(demuxer).items() for arg in (f"-{name}", value)),
        "-i",
        f"file:{path}",
        "-map",
        "0:v:0",
        "-an",
        "-sn",
        "-dn",
        "-vf",
        filters,
        "-frames:v",
        "1",
        "-c:v",
        "mjpeg",
        "-q:v",
        str(SCRUB_JPEG_QSCALE),
        "-f",
        "image2pipe",
        "pipe:1",
    ]


def _timestamp(seconds: float) -> str:
    """WebVTT's HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def webvtt(layout: StripLayout, sprite_url: str) -> str:
    """One cue per tile, from its frame's time to the next tile's; the last ends at the end
    of the video. `sprite_url` is relative to the VTT (both are served from one folder)."""
    lines = ["WEBVTT", ""]
    for index in range(layout.tiles):
        start = index * layout.interval
        end = layout.duration if index == layout.tiles - 1 else (index + 1) * layout.interval
        x, y, w, h = layout.tile_box(index)
        lines += [
            f"{_timestamp(start)} --> {_timestamp(end)}",
            f"{sprite_url}#xywh={x},{y},{w},{h}",
            "",
        ]
    return "\n".join(lines)


def make_scrub_strip(
    path: Path,
    demuxer: str,
    duration: float | None,
    display_size: tuple[int, int],
    limits: DecoderLimits,
    directory: Path,
    vtt_name: str,
) -> ScrubStrip:
    """The sprite, then the VTT that points into it (so a reader of the VTT finds the
    sprite), each written atomically into `directory`."""
    layout = strip_layout(duration or 0.0, display_size)
    sprite = run_decoder(sprite_command(path, demuxer, layout, limits.ffmpeg), limits)
    if not sprite:
        raise CorruptMedia("No frame could be decoded for the scrub strip")
    with Image.open(io.BytesIO(sprite), formats=["JPEG"]) as decoded:
        size = decoded.size
    if size != layout.size:  # every cue's region must lie inside the sprite
        raise CorruptMedia(f"The scrub strip came out {size[0]}x{size[1]}, not as laid out")
    sprite_name = sprite_name_for(vtt_name)
    write_atomically(directory, sprite_name, sprite, "scrub strip")
    try:
        write_atomically(directory, vtt_name, webvtt(layout, sprite_name).encode(), "scrub strip")
    except BaseException:
        if not (directory / vtt_name).exists():  # else it is another asset's, still named
            (directory / sprite_name).unlink(missing_ok=True)
        raise
    return ScrubStrip(
        vtt_name=vtt_name,
        sprite_name=sprite_name,
        tiles=layout.tiles,
        tile_width=layout.tile_width,
        tile_height=layout.tile_height,
        columns=layout.columns,
    )
