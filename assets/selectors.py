"""Reads: the querysets behind the list, the admin, the commands and the reconciler."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from assets.models import Asset, AssetStatus


def asset_list() -> QuerySet[Asset]:
    return Asset.objects.all()


def stuck_assets(*, older_than_seconds: int) -> QuerySet[Asset]:
    """Assets pending or processing whose state has not moved for longer than the deadline."""
    deadline = timezone.now() - timedelta(seconds=older_than_seconds)
    return Asset.objects.filter(
        status__in=[AssetStatus.PENDING, AssetStatus.PROCESSING], updated_at__lt=deadline
    ).order_by("updated_at")


def assets_not_ready() -> QuerySet[Asset]:
    return Asset.objects.exclude(status=AssetStatus.READY).order_by("id")
