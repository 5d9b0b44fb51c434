"""Perceptual hashes: a 64-bit difference hash (dHash) that stays within a few bits when a
picture is resized, recompressed or slightly retouched, so near-duplicates can be found by
Hamming distance (assets.library.similar).

The algorithm is imagehash's `dhash` (hash_size 8): grey, shrink to 9x8, one bit per pair of
horizontal neighbours, 1 where the right one is brighter; rows top to bottom, most significant
bit first. Written here with Pillow alone: imagehash would bring numpy, SciPy and PyWavelets
(about 70 MB) for these few lines.
"""

from __future__ import annotations

import io

from PIL import Image

HASH_EDGE = 8
BITS = HASH_EDGE * HASH_EDGE


def dhash_of(picture: Image.Image) -> int:
    """The dHash of an upright picture, as a signed 64-bit integer (what the database keeps)."""
    grey = picture.convert("L").resize((HASH_EDGE + 1, HASH_EDGE), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    value = 0
    for row in range(HASH_EDGE):
        start = row * (HASH_EDGE + 1)
        for column in range(HASH_EDGE):
            brighter = pixels[start + column + 1] > pixels[start + column]
            value = (value << 1) | brighter
    return to_signed(value)


def dhash_of_jpeg(jpeg: bytes) -> int:
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as frame:
        return dhash_of(frame)


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed BIGINT both databases store."""
    return value - (1 << BITS) if value >= 1 << (BITS - 1) else value


def distance(a: int, b: int) -> int:
    """How many of the 64 bits differ (signed or unsigned forms alike)."""
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()
