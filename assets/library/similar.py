"""Near-duplicates: assets whose perceptual hash (a 64-bit dHash, assets.jobs.processing.
perceptual) is a few bits from another's: the same picture resized, recompressed, lightly
edited, or a video whose poster frame looks the same.

The hashes are compared in Python: neither database counts bits the same way (SQLite not at
all), and a 100,000-asset library is 100,000 integers, read once per process and again only
when they change.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max

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
        for other, hashed in hash_table()
        if other != asset_id and (bits := distance(fingerprint, hashed)) <= max_distance
    ]
    near.sort(key=lambda s: (s.distance, s.asset_id))
    return True, near[:limit]


# The largest distance groups are made for: every band of a split into max_distance + 1
# bands must be wide enough to mean something.
MAX_GROUP_DISTANCE = 8
# 3 keeps most resized or recompressed copies together while the banding stays cheap: at
# 100,000 assets about 1.2 s in Python at 3 or less, 6 s at 4 (docs/BENCHMARKS.md), so the
# groups are kept in the cache until the library changes.
DEFAULT_GROUP_DISTANCE = 3
GROUPS_CACHE_SECONDS = 3600


def _bands(max_distance: int) -> list[tuple[int, int]]:
    """(shift, mask) of max_distance + 1 bands covering the 64 bits: two hashes at most
    max_distance bits apart agree on at least one whole band (pigeonhole)."""
    count = max_distance + 1
    widths = [64 // count + (1 if i < 64 % count else 0) for i in range(count)]
    bands, shift = [], 0
    for width in widths:
        bands.append((shift, (1 << width) - 1))
        shift += width
    return bands


def _state() -> str:
    """What changes whenever a hash is added, changed or removed: the hashed assets' count,
    highest id and latest update (one query)."""
    state = Asset.objects.filter(perceptual_hash__isnull=False).aggregate(
        n=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    return f"{state['n']}:{state['last']}:{state['changed']}"


# This process's copy of every (id, hash), and the state it was read at.
_table: tuple[str, list[tuple[int, int]]] | None = None


def hash_table() -> list[tuple[int, int]]:
    """Every hashed asset as (id, hash), read again only when the library's hashes changed:
    reading 100,000 rows through the ORM cost 0.4-0.5 s per look-alike request."""
    global _table
    state = _state()
    if _table is None or _table[0] != state:
        rows = (
            Asset.objects.filter(perceptual_hash__isnull=False)
            .order_by()
            .values_list("id", "perceptual_hash")
            .iterator(chunk_size=10_000)
        )
        _table = (state, [(i, h) for i, h in rows if h is not None])
    return _table[1]


def cached_similar_groups(max_distance: int = DEFAULT_GROUP_DISTANCE) -> list[list[int]]:
    """similar_groups, computed again only when the hashed assets changed."""
    # Hashed: the state holds a timestamp, and cache keys should hold no spaces.
    state = hashlib.sha256(_state().encode()).hexdigest()[:32]
    key = f"similar-groups:{max_distance}:{state}"
    groups = None
    # The cache is Redis: when it is down, a miss (and no store), never an error.
    with contextlib.suppress(Exception):
        groups = cache.get(key)
    if groups is None:
        groups = similar_groups(max_distance)
        with contextlib.suppress(Exception):
            cache.set(key, groups, GROUPS_CACHE_SECONDS)
    return list(groups)


def similar_groups(max_distance: int = DEFAULT_GROUP_DISTANCE) -> list[list[int]]:
    """Every group of assets linked by hashes at most max_distance bits apart (a chain of
    near pairs is one group), each as ids in order, the groups by their first id.

    Candidates come from band buckets (multi-index hashing) rather than all pairs: at
    100,000 assets, a few hundred thousand comparisons instead of five billion.
    """
    by_hash: dict[int, list[int]] = {}
    for asset_id, hashed in hash_table():
        by_hash.setdefault(hashed & ((1 << 64) - 1), []).append(asset_id)
    hashes = list(by_hash)
    parent = list(range(len(hashes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for shift, mask in _bands(max_distance):
        buckets: dict[int, list[int]] = {}
        for index, value in enumerate(hashes):
            buckets.setdefault((value >> shift) & mask, []).append(index)
        for members in buckets.values():
            for position, a in enumerate(members):
                for b in members[position + 1 :]:
                    if (hashes[a] ^ hashes[b]).bit_count() <= max_distance:
                        ra, rb = root(a), root(b)
                        if ra != rb:
                            parent[rb] = ra
    grouped: dict[int, list[int]] = {}
    for index, value in enumerate(hashes):
        grouped.setdefault(root(index), []).extend(by_hash[value])
    groups = [sorted(ids) for ids in grouped.values() if len(ids) > 1]
    groups.sort(key=lambda ids: ids[0])
    return groups
