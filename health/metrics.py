"""GET /metrics: Prometheus text format, computed on each scrape from the database and Redis."""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, cast

import redis
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from assets import metrics, selectors
from assets.realtime import presence
from health import checks
from health.workers import live_workers
from mam.celery import MAINTENANCE_QUEUE, MEDIA_QUEUE
from mam.config import Config
from mam.errors import error_response
from mam.redis_clients import Purpose, redis_client

logger = logging.getLogger("mam.metrics")


def websocket_connections(client: redis.Redis) -> int:
    """Open WebSocket connections of the server processes still alive (realtime.presence)."""
    return max(0, sum(presence.open_connections(client).values()))


def _hash(client: redis.Redis, key: str) -> dict[str, str]:
    raw = cast(dict[bytes, bytes], client.hgetall(key))
    return {k.decode(): v.decode() for k, v in raw.items()}


def duration_histograms(raw: dict[str, str]) -> HistogramMetricFamily:
    """Rebuilds cumulative histograms from the per-bucket counts stored in Redis."""
    family = HistogramMetricFamily(
        "mam_processing_duration_seconds",
        "Time spent processing an asset, by media type and stage (stage=total: the whole run)",
        labels=["media_type", "stage"],
    )
    series: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for field, value in raw.items():
        media_type, stage, part = field.split("|", 2)
        series[(media_type, stage)][part] = float(value)
    bounds = [metrics.format_bound(b) for b in metrics.DURATION_BUCKETS] + ["+Inf"]
    for (media_type, stage), parts in sorted(series.items()):
        running, buckets = 0.0, []
        for bound in bounds:
            running += parts.get(bound, 0.0)
            buckets.append((bound, running))
        family.add_metric([media_type, stage], buckets, sum_value=parts.get("sum", 0.0))
    return family


class MamCollector(Collector):
    """Computes every gauge when scraped; Redis and the database are read with short timeouts."""

    def collect(self) -> Iterator[Metric]:
        yield from self._database()
        yield from self._redis()

    def _database(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("mam_database_up", "1 when the database answers")
        assets = GaugeMetricFamily("mam_assets", "Assets by processing status", labels=["status"])
        try:
            counts = selectors.status_counts()
        except DatabaseError as exc:
            logger.warning("metrics: database unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for status, n in sorted(counts.items()):
            assets.add_metric([status], n)
        yield up
        yield assets

    def _redis(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("mam_redis_up", "1 when Redis answers")
        client = redis_client(Purpose.PROBE)
        try:
            queues = {q: checks.queue_depth(client, q) for q in (MEDIA_QUEUE, MAINTENANCE_QUEUE)}
            workers = live_workers(client)
            connections = websocket_connections(client)
            durations = _hash(client, metrics.durations_key())
            failures = _hash(client, metrics.failures_key())
            thumbnails = _hash(client, metrics.thumbnails_key())
        except (redis.RedisError, ValueError) as exc:
            logger.warning("metrics: Redis unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily(
            "mam_queue_depth", "Tasks waiting in a Celery queue", labels=["queue"]
        )
        for queue, n in queues.items():
            depth.add_metric([queue], n)
        yield depth
        yield _gauge("mam_workers_alive", "Celery workers with a live heartbeat", len(workers))
        yield _gauge(
            "mam_websocket_connections", "Open WebSocket connections (all servers)", connections
        )
        yield duration_histograms(durations)
        failed = CounterMetricFamily(
            "mam_processing_failures",
            "Assets that ended in failed, by reason class",
            labels=["reason_class"],
        )
        for reason_class, count in sorted(failures.items()):
            failed.add_metric([reason_class], float(count))
        yield failed
        for outcome in ("served", "throttled"):
            yield CounterMetricFamily(
                f"mam_thumbnails_{outcome}",
                f"Thumbnail requests {outcome}",
                value=float(thumbnails.get(outcome, 0)),
            )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


registry = CollectorRegistry(auto_describe=False)
registry.register(MamCollector())


def metrics_allowed(request: HttpRequest) -> bool:
    """Loopback clients (a Prometheus beside MAM), or `Authorization: Bearer $MAM_METRICS_TOKEN`."""
    if Config.METRICS_TOKEN:
        expected = f"Bearer {Config.METRICS_TOKEN}"
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), expected.encode()):
            return True
    address = str(request.META.get("REMOTE_ADDR", ""))
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@require_GET
def metrics_view(request: HttpRequest, **_: Any) -> HttpResponse:
    if not metrics_allowed(request):
        return error_response(
            "Metrics are served to loopback clients and to MAM_METRICS_TOKEN holders", 403
        )
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4)
