"""Exact duplicates: assets whose files have the same bytes (the sha256 processing records).

The first registered (lowest id) is the original; every later one is a duplicate of it.
Assets not yet processed have no checksum and are nobody's duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Min, QuerySet

from assets.models import Asset


def originals_of(checksums: Iterable[str]) -> dict[str, int]:
    """The first asset of each checksum: one query for a whole page."""
    wanted = {c for c in checksums if c}
    if not wanted:
        return {}
    rows = (
        Asset.objects.filter(checksum__in=wanted)
        .values("checksum")
        .annotate(first=Min("id"))
        .order_by()
    )
    return {row["checksum"]: row["first"] for row in rows}


def duplicate_of(asset: Asset, originals: dict[str, int] | None = None) -> int | None:
    """The asset this one duplicates, if any (from `originals_of` when given: no query)."""
    if not asset.checksum:
        return None
    if originals is None:
        originals = originals_of([asset.checksum])
    first = originals.get(asset.checksum)
    return first if first is not None and first != asset.pk else None


def with_duplicates(queryset: QuerySet[Asset]) -> QuerySet[Asset]:
    """Only the assets whose bytes another asset has too (the original included)."""
    shared = (
        Asset.objects.exclude(checksum="")
        .values("checksum")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("checksum")
        .order_by()
    )
    return queryset.filter(checksum__in=shared)


def exact_groups() -> QuerySet[Asset, dict[str, object]]:
    """Each checksum more than one asset has, with its first asset: the groups of same-bytes
    files, oldest first (one indexed GROUP BY)."""
    return (
        Asset.objects.exclude(checksum="")
        .values("checksum")
        .annotate(n=Count("id"), first=Min("id"))
        .filter(n__gt=1)
        .order_by("first")
    )
