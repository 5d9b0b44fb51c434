"""Near-duplicates: assets whose perceptual hash (a 64-bit dHash, assets.jobs.processing.
perceptual) is a few bits from another's: the same picture resized, recompressed, lightly
edited, or a video whose poster frame looks the same.

The hashes are compared in Python: neither database counts bits the same way (SQLite not at
all), and a 100,000-asset library is 100,000 integers, read in one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from assets.jobs.processing.perceptual import distance
from assets.models import Asset
from mam.errors import NotFound

# Bits of 64 that may differ for two pictures to count as alike. dHash's own guidance: up
# to 10 is "likely a variation"; resizing or recompressing stays within about 4.
DEFAULT_DISTANCE = 10
MAX_DISTANCE = 20
MAX_RESULTS = 100


@dataclass(frozen=True)
class Similar:
    asset_id: int
    distance: int


def similar_to(
    asset_id: int, *, max_distance: int = DEFAULT_DISTANCE, limit: int = 50
) -> tuple[bool, list[Similar]]:
    """(whether the asset has a hash yet, the assets within max_distance bits of it, nearest
    first, then oldest)."""
    try:
        fingerprint = Asset.objects.values_list("perceptual_hash", flat=True).get(pk=asset_id)
    except Asset.DoesNotExist:
        raise NotFound("Asset not found", asset_id=asset_id) from None
    if fingerprint is None:
        return False, []
    near = [
        Similar(other, bits)
        for other, hashed in Asset.objects.filter(perceptual_hash__isnull=False)
        .exclude(pk=asset_id)
        .values_list("id", "perceptual_hash")
        .iterator(chunk_size=10_000)
        if hashed is not None and (bits := distance(fingerprint, hashed)) <= max_distance
    ]
    near.sort(key=lambda s: (s.distance, s.asset_id))
    return True, near[:limit]
