"""Reads: the querysets behind the list, the admin, the commands and the reconciler."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from assets.models import Asset, AssetStatus


def asset_list() -> QuerySet[Asset]:
    return Asset.objects.all()


def stuck_asset_batches(*, older_than_seconds: int, batch_size: int) -> Iterator[list[Asset]]:
    """Assets pending or processing whose state has not moved for longer than the deadline,
    in batches by id: one query per batch, the backlog never held whole (and the caller may
    update the rows between batches)."""
    deadline = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = Asset.objects.filter(
        status__in=[AssetStatus.PENDING, AssetStatus.PROCESSING], updated_at__lt=deadline
    ).order_by("pk")
    after = 0
    while batch := list(stuck.filter(pk__gt=after)[:batch_size]):
        yield batch
        after = batch[-1].pk


def assets_not_ready() -> QuerySet[Asset]:
    return Asset.objects.exclude(status=AssetStatus.READY).order_by("id")


def status_counts() -> dict[str, int]:
    """How many assets are in each status (every status present, zero when none)."""
    counts = dict.fromkeys(AssetStatus.values, 0)
    for row in Asset.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def registered_paths(file_paths: list[str]) -> set[str]:
    """Which of these relative paths are already registered (one query)."""
    return set(Asset.objects.filter(file_path__in=file_paths).values_list("file_path", flat=True))


def failed_assets() -> QuerySet[Asset]:
    return Asset.objects.filter(status=AssetStatus.FAILED).order_by("id")


def all_assets_by_id() -> QuerySet[Asset]:
    return Asset.objects.order_by("id")
