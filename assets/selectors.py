"""Reads: the querysets behind the list, the admin, the commands and the reconciler, and
the status counts health and /metrics share (briefly kept in Redis)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import redis
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assets.models import Asset, AssetStatus, CollectionMembership, ProcessingStage
from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.metrics")


def asset_list() -> QuerySet[Asset]:
    return Asset.objects.all()


def stuck_asset_batches(*, older_than_seconds: int, batch_size: int) -> Iterator[list[Asset]]:
    """Assets pending or processing whose state has not moved for longer than the deadline,
    in batches, longest stuck first: one query per batch, the backlog never held whole (and
    the caller may update the rows between batches).

    Each status is walked along the (status, updated_at) index, continuing after the last
    (updated_at, id) seen: every query reads one batch from an index range. Walking by id
    instead made PostgreSQL sort the whole remaining backlog for each batch whenever it
    chose that index (backlogs of a few thousand to tens of thousands).
    """
    deadline = timezone.now() - timedelta(seconds=older_than_seconds)
    for status in (AssetStatus.PENDING, AssetStatus.PROCESSING):
        stuck = (
            Asset.objects.filter(status=status, updated_at__lt=deadline)
            # Registered without processing on purpose (import_media --no-process).
            .exclude(processing_stage=ProcessingStage.NOT_QUEUED)
            .order_by("updated_at", "pk")
        )
        batch = list(stuck[:batch_size])
        while batch:
            yield batch
            if len(batch) < batch_size:
                break
            last = batch[-1]
            batch = list(
                stuck.filter(updated_at__gte=last.updated_at).filter(
                    Q(updated_at__gt=last.updated_at) | Q(pk__gt=last.pk)
                )[:batch_size]
            )


def assets_not_ready() -> QuerySet[Asset]:
    return Asset.objects.exclude(status=AssetStatus.READY).order_by("id")


def count_by_status() -> dict[str, int]:
    """How many assets are in each status, counted now (every status present, zero when none).

    One aggregate over the whole table: tens of milliseconds at 100,000 assets. Callers that
    may be called often (health, /metrics) use status_counts().
    """
    counts = dict.fromkeys(AssetStatus.values, 0)
    for row in Asset.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


# How old the counts status_counts() answers with may be: one count per this many seconds
# for all web processes together, however many scrapes and probes arrive meanwhile.
STATUS_COUNTS_MAX_AGE = 2.0
# While one process recounts, the others answer with the previous counts rather than count
# too; never for longer than this, should the recounting process die.
STATUS_RECOUNT_SECONDS = 3.0


def status_counts_key() -> str:
    return redis_key("metrics", "status_counts")


def status_recount_key() -> str:
    return redis_key("metrics", "status_counts", "recount")


def status_counts() -> dict[str, int]:
    """How many assets are in each status, as counted at most STATUS_COUNTS_MAX_AGE seconds
    ago (or, while another process is recounting, at most STATUS_COUNTS_MAX_AGE +
    STATUS_RECOUNT_SECONDS ago); counted now when Redis is unavailable.

    The counts are shared through Redis by every web process, so a storm of /metrics scrapes
    and /health/processing probes costs one count_by_status() per STATUS_COUNTS_MAX_AGE.
    Their age is measured by Redis's clock (the key's TTL), not by any host's.
    """
    client = redis_client(Purpose.METRICS)
    lifetime_ms = int((STATUS_COUNTS_MAX_AGE + STATUS_RECOUNT_SECONDS) * 1000)
    try:
        with client.pipeline() as pipe:
            pipe.get(status_counts_key())
            pipe.pttl(status_counts_key())
            stored, ttl_ms = pipe.execute()
        age = (lifetime_ms - int(ttl_ms)) / 1000
        if stored is not None and age <= STATUS_COUNTS_MAX_AGE:
            return _decoded(stored)
        recount_ms = int(STATUS_RECOUNT_SECONDS * 1000)
        if stored is not None and not client.set(status_recount_key(), 1, nx=True, px=recount_ms):
            return _decoded(stored)  # another process is counting; this one is young enough
    except (redis.RedisError, ValueError) as exc:  # ValueError: see assets.metrics._record
        logger.warning("status counts not shared (Redis unavailable): %s", exc)
        return count_by_status()
    try:
        counts = count_by_status()
    except BaseException:
        _release_recount(client)  # the next caller tries (and reports the database) again
        raise
    try:
        with client.pipeline(transaction=False) as pipe:
            pipe.set(status_counts_key(), json.dumps(counts), px=lifetime_ms)
            pipe.delete(status_recount_key())
            pipe.execute()
    except redis.RedisError as exc:
        logger.warning("status counts not shared (Redis unavailable): %s", exc)
    return counts


def _release_recount(client: redis.Redis) -> None:
    with contextlib.suppress(redis.RedisError):  # else it expires
        client.delete(status_recount_key())


def _decoded(stored: bytes) -> dict[str, int]:
    counts = dict.fromkeys(AssetStatus.values, 0)
    counts.update({str(k): int(v) for k, v in json.loads(stored).items()})
    return counts


def registered_paths(file_paths: list[str]) -> set[str]:
    """Which of these relative paths are already registered (one query)."""
    return set(Asset.objects.filter(file_path__in=file_paths).values_list("file_path", flat=True))


def failed_assets() -> QuerySet[Asset]:
    return Asset.objects.filter(status=AssetStatus.FAILED).order_by("id")


def all_assets_by_id() -> QuerySet[Asset]:
    return Asset.objects.order_by("id")


def collections_of(asset_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each asset's collections ({id, name}, by name): one query for a page."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        CollectionMembership.objects.filter(asset_id__in=list(asset_ids))
        .order_by("collection__name", "collection_id")
        .values_list("asset_id", "collection_id", "collection__name")
    )
    for asset_id, collection_id, name in rows:
        found[asset_id].append({"id": collection_id, "name": name})
    return dict(found)
