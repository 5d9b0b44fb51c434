"""Blurhash placeholders: a few dozen characters the grid paints before the thumbnail arrives."""

from __future__ import annotations

import blurhash  # type: ignore[import-untyped]  # ships no type information
from PIL import Image

# Components along the longer side; the shorter gets as many as its share of the aspect (at
# least 2). 4x3 for a 3:2 photo: 28 characters.
BLURHASH_COMPONENTS = 4
# Blurhash keeps only the lowest few frequencies (at most 1.5 periods across), which 16 px
# hold: a 32 px sample's hash differs in a character or two. The pure-Python encoder takes
# 1 ms there, 3.5 ms at 32 px, 0.4 s at 320.
BLURHASH_SAMPLE_EDGE = 16


def blurhash_components(width: int, height: int) -> tuple[int, int]:
    """(x, y) components for a picture of width x height: more along its longer side, so a
    decoded placeholder has the picture's layout whichever way it is drawn."""
    long_edge, short_edge = max(width, height, 1), max(min(width, height), 1)
    short = max(2, min(BLURHASH_COMPONENTS, round(BLURHASH_COMPONENTS * short_edge / long_edge)))
    return (BLURHASH_COMPONENTS, short) if width >= height else (short, BLURHASH_COMPONENTS)


def blurhash_of(pixels: Image.Image) -> str:
    """The blurhash of an upright sRGB picture (the thumbnail's pixels)."""
    sample = pixels.convert("RGB")  # a copy, to shrink in place
    sample.thumbnail((BLURHASH_SAMPLE_EDGE, BLURHASH_SAMPLE_EDGE), Image.Resampling.BOX)
    width, height = sample.size
    data = sample.tobytes()
    # The encoder takes rows of (r, g, b) sequences, sRGB 0-255.
    rows = [
        [data[i : i + 3] for i in range(row * width * 3, (row + 1) * width * 3, 3)]
        for row in range(height)
    ]
    x_components, y_components = blurhash_components(*pixels.size)
    return str(blurhash.encode(rows, x_components, y_components))
