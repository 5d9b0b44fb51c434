"""/health/processing, the workers component, worker heartbeats and /metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from assets import metrics, selectors
from assets.ingest import watch
from assets.jobs import worker
from assets.models import Asset, AssetStatus
from assets.realtime import presence
from health import checks
from health.workers import Heartbeat, heartbeat_key
from mam import celery as mam_celery
from mam import scheduler
from mam.config import Config
from mam.redis_clients import Purpose
from tests.bootstrap import free_port
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db
PROCESSING = "/api/v1/health/processing"


@pytest.fixture
def r() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(Config.REDIS_URL)
    yield client
    client.delete("media")
    for key in client.scan_iter(match=heartbeat_key("*")):
        client.delete(key)
    client.delete(presence.connections_key(), presence.seen_key())
    client.delete(scheduler.last_tick_key(), scheduler.last_reconcile_key())


@pytest.fixture(autouse=True)
def no_shared_status_counts() -> None:
    """Status counts are shared through Redis for a moment; each test starts without them."""
    expire_status_counts()


def expire_status_counts() -> None:
    """What STATUS_COUNTS_MAX_AGE seconds do: the next reader counts again."""
    client = redis.Redis.from_url(Config.REDIS_URL)
    client.delete(selectors.status_counts_key(), selectors.status_recount_key())


def count_queries(queries: CaptureQueriesContext) -> int:
    return sum('COUNT("assets_asset"."id") AS "n"' in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def redis_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")


def make_assets(**by_status: int) -> None:
    for status, count in by_status.items():
        AssetFactory.create_batch(count, status=status)


def test_processing_reports_counts_and_no_workers_as_degraded_when_idle(
    client: Client, r: redis.Redis
) -> None:
    make_assets(pending=2, processing=1, failed=3, ready=4)

    response = client.get(PROCESSING)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert (body["queued"], body["active"], body["pending"], body["failed"]) == (0, 1, 2, 3)
    assert body["workers"] == {"count": 0, "live": []}
    assert client.get(PROCESSING + "/").status_code == 200


def test_queued_work_with_no_live_worker_is_503(client: Client, r: redis.Redis) -> None:
    r.rpush("media", "task-1", "task-2")

    response = client.get(PROCESSING)

    assert response.status_code == 503
    body = response.json()
    assert body["queued"] == 2
    assert body["error"] == "Work is queued and no worker is alive"
    status = client.get("/api/v1/health/status")
    assert status.status_code == 503
    assert status.json()["components"]["workers"]["status"] == "unhealthy"


def scheduler_ran(r: redis.Redis, tick_ago: float = 1.0, reconcile_ago: float | None = 5.0) -> None:
    now = time.time()
    r.set(scheduler.last_tick_key(), now - tick_ago)
    if reconcile_ago is not None:
        r.set(scheduler.last_reconcile_key(), now - reconcile_ago)


def test_a_heartbeating_worker_is_live_until_it_stops(client: Client, r: redis.Redis) -> None:
    scheduler_ran(r)
    r.rpush("media", "task-1")
    heartbeat = Heartbeat("w1@host", concurrency=2)
    heartbeat.start()
    try:
        body = client.get(PROCESSING).json()
        assert body["status"] == "healthy"
        assert body["workers"]["count"] == 1
        (worker,) = body["workers"]["live"]
        assert worker["hostname"] == "w1@host"
        assert worker["concurrency"] == 2
        assert worker["last_beat_seconds_ago"] < 5
        assert 0 < r.ttl(heartbeat.key) <= 20
        components = client.get("/api/v1/health/status").json()["components"]
        assert components["workers"]["count"] == 1
        assert components["workers"]["status"] == "healthy"
    finally:
        heartbeat.stop()
    assert client.get(PROCESSING).status_code == 503


def test_the_celery_worker_signals_start_and_stop_the_heartbeat(r: redis.Redis) -> None:
    sender = SimpleNamespace(hostname="sig@host", controller=SimpleNamespace(concurrency=3))
    mam_celery.announce_worker_ready(sender=sender)
    try:
        assert r.exists(heartbeat_key("sig@host"))
    finally:
        mam_celery.announce_worker_shutdown(sender=sender)
    assert not r.exists(heartbeat_key("sig@host"))


def test_health_answers_503_when_redis_is_down(client: Client, redis_down: None) -> None:
    for url in (PROCESSING, "/api/v1/health/status"):
        assert client.get(url).status_code == 503, url
    assert client.get(PROCESSING).json()["error"].startswith("Redis unavailable")


def test_health_and_metrics_give_redis_well_under_a_second() -> None:
    # A Redis that stops answering (rather than refusing) costs a health answer this much.
    assert Purpose.PROBE.value <= 0.5
    assert Purpose.METRICS.value <= 0.5


def test_health_changes_are_written_to_the_system_log(
    client: Client, r: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    checks._last_status.clear()
    client.get(PROCESSING)
    r.rpush("media", "x")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mam.system"):
        client.get(PROCESSING)
        client.get(PROCESSING)
    changes = [m for m in caplog.messages if m.startswith("health_changed")]
    assert len(changes) == 1, changes
    assert '"component": "processing"' in changes[0]
    assert '"status": "unhealthy"' in changes[0]


# /metrics


def scrape(client: Client) -> dict[str, Any]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, Any] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            key = sample.name + (
                "{" + ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items())) + "}"
                if sample.labels
                else ""
            )
            samples[key] = sample.value
    return samples


def test_metrics_report_queue_depth_assets_workers_and_connections(
    client: Client, r: redis.Redis
) -> None:
    make_assets(pending=1, failed=2)
    r.rpush("media", "a", "b", "c")
    r.hset(presence.connections_key(), mapping={"web-1": 4, "web-2": 1})
    # web-2 stopped announcing itself long ago: its sockets are gone with it.
    r.zadd(presence.seen_key(), {"web-1": time.time(), "web-2": time.time() - 3600})

    samples = scrape(client)

    assert samples["mam_queue_depth{queue=media}"] == 3
    assert samples["mam_queue_depth{queue=maintenance}"] == 0
    assert samples["mam_assets{status=failed}"] == 2
    assert samples["mam_assets{status=pending}"] == 1
    assert samples["mam_assets{status=ready}"] == 0
    assert samples["mam_workers_alive"] == 0
    assert samples["mam_redis_up"] == 1
    assert samples["mam_database_up"] == 1
    assert samples["mam_websocket_connections"] == 4


def test_processing_durations_are_histograms_by_type_and_stage(client: Client) -> None:
    before = scrape(client)
    now = iter([0.0, 0.01, 0.02, 0.03, 0.04, 0.045])  # a clock, not the machine's load
    timer = metrics.StageTimer("video", clock=lambda: next(now))
    for stage in ("validate", "metadata", "thumbnail"):
        timer.enter(stage)
    timer.finish()
    metrics.record_duration(media_type="image", stage="thumbnail", seconds=7.0)

    after = scrape(client)

    def delta(key: str) -> float:
        return after.get(key, 0) - before.get(key, 0)

    for stage in ("validate", "metadata", "thumbnail", "total"):
        labels = f"media_type=video,stage={stage}"
        assert delta(f"mam_processing_duration_seconds_count{{{labels}}}") == 1
        assert delta(f"mam_processing_duration_seconds_bucket{{le=0.05,{labels}}}") == 1
    image = "media_type=image,stage=thumbnail"
    assert delta(f"mam_processing_duration_seconds_bucket{{le=5.0,{image}}}") == 0
    assert delta(f"mam_processing_duration_seconds_bucket{{le=10.0,{image}}}") == 1
    assert delta(f"mam_processing_duration_seconds_bucket{{le=+Inf,{image}}}") == 1
    assert delta(f"mam_processing_duration_seconds_sum{{{image}}}") == pytest.approx(7.0)


def test_failures_are_counted_by_reason_class(client: Client, media_root: Path) -> None:
    make_assets(pending=2)
    first, second = Asset.objects.order_by("id")
    before = scrape(client)
    with mock.patch("assets.realtime.events.publish_processing_update"):
        worker.mark_failed(asset_id=first.pk, reason="bad", reason_class="corrupt")
        worker.mark_failed(asset_id=second.pk, reason="gone", reason_class="file_changed")
    expire_status_counts()  # the asset counts may be STATUS_COUNTS_MAX_AGE old
    after = scrape(client)

    for reason_class in ("corrupt", "file_changed"):
        key = f"mam_processing_failures_total{{reason_class={reason_class}}}"
        assert after[key] - before.get(key, 0) == 1
    assert after["mam_assets{status=failed}"] == 2
    assert Asset.objects.filter(status=AssetStatus.FAILED).count() == 2


def test_thumbnails_served_and_throttled_are_counted(
    client: Client, thumbnail_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.throttling import ScopedRateThrottle

    from tests.support.ratelimits import reset_rate_limits

    reset_rate_limits()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"thumbnails": "2/min"})
    name = "b" * 64 + "-320.jpg"
    (thumbnail_dir / name).write_bytes(b"\xff\xd8\xff")
    before = scrape(client)
    codes = [client.get(f"/thumbnails/{name}").status_code for _ in range(3)]
    after = scrape(client)
    reset_rate_limits()

    assert codes == [200, 200, 429]
    assert after["mam_thumbnails_served_total"] - before["mam_thumbnails_served_total"] == 2
    assert after["mam_thumbnails_throttled_total"] - before["mam_thumbnails_throttled_total"] == 1


def test_metrics_still_answer_when_redis_is_down(client: Client, redis_down: None) -> None:
    samples = scrape(client)
    assert samples["mam_redis_up"] == 0
    assert samples["mam_database_up"] == 1


def test_a_scrape_storm_counts_the_assets_once_per_interval(client: Client) -> None:
    make_assets(pending=2, processing=1, failed=3, ready=4)

    with CaptureQueriesContext(connection) as queries:
        bodies = [client.get(PROCESSING).json() for _ in range(10)]
        samples = [scrape(client) for _ in range(10)]

    assert count_queries(queries) == 1
    assert all((b["active"], b["pending"], b["failed"], b["ready"]) == (1, 2, 3, 4) for b in bodies)
    assert all(s["mam_assets{status=failed}"] == 3 for s in samples)


def test_status_counts_are_at_most_their_max_age_old(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "STATUS_COUNTS_MAX_AGE", 0.3)
    make_assets(pending=2)
    assert selectors.status_counts()["pending"] == 2
    make_assets(pending=1)

    assert selectors.status_counts()["pending"] == 2  # shared, not recounted yet
    time.sleep(0.4)
    assert selectors.status_counts()["pending"] == 3


def test_while_one_process_recounts_the_others_answer_with_the_previous_counts(
    monkeypatch: pytest.MonkeyPatch, r: redis.Redis
) -> None:
    monkeypatch.setattr(selectors, "STATUS_COUNTS_MAX_AGE", 0.1)
    make_assets(failed=1)
    selectors.status_counts()
    time.sleep(0.2)  # stale now
    make_assets(failed=1)
    r.set(selectors.status_recount_key(), 1, px=3000)  # another process counts

    with CaptureQueriesContext(connection) as queries:
        assert selectors.status_counts()["failed"] == 1
    assert count_queries(queries) == 0

    r.delete(selectors.status_recount_key())  # that process is done (or died)
    assert selectors.status_counts()["failed"] == 2


def test_status_counts_are_counted_directly_when_redis_is_down(redis_down: None) -> None:
    make_assets(pending=1, ready=2)
    for _ in range(2):
        assert selectors.status_counts() == {"pending": 1, "processing": 0, "ready": 2, "failed": 0}


def test_a_broken_metrics_connection_never_fails_a_thumbnail(
    client: Client, thumbnail_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "cd" * 32 + "-320.jpg"
    (thumbnail_dir / name).write_bytes(b"\xff\xd8\xff")

    def torn_down(*_: object, **__: object) -> None:
        raise ValueError("I/O operation on closed file.")

    monkeypatch.setattr(metrics, "_skip_until", 0.0)
    monkeypatch.setattr(redis.client.Pipeline, "execute", torn_down)
    response = client.get(f"/thumbnails/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("tick_ago", "reconcile_ago", "problem"),
    [
        (None, None, "no scheduler has run"),
        (120.0, 30.0, "the scheduler has stopped"),
        (1.0, 600.0, "the reconciler is overdue"),
    ],
)
def test_a_scheduler_that_stopped_turns_health_degraded(
    client: Client,
    r: redis.Redis,
    tick_ago: float | None,
    reconcile_ago: float | None,
    problem: str,
) -> None:
    Heartbeat("w2@host", concurrency=1).beat()  # a live worker: only the scheduler is wrong
    if tick_ago is not None:
        scheduler_ran(r, tick_ago, reconcile_ago)
    body = client.get(PROCESSING).json()
    assert body["status"] == "degraded"
    assert body["scheduler"]["status"] == "degraded"
    assert body["scheduler"]["error"] == problem
    status = client.get("/api/v1/health/status")
    assert status.status_code == 200  # nothing is down; lost work just is not re-queued
    assert status.json()["components"]["scheduler"]["error"] == problem


def test_a_ticking_scheduler_and_a_recent_reconcile_are_healthy(
    client: Client, r: redis.Redis
) -> None:
    Heartbeat("w3@host", concurrency=1).beat()
    scheduler_ran(r, tick_ago=2.0, reconcile_ago=40.0)
    body = client.get(PROCESSING).json()
    assert body["status"] == "healthy"
    assert body["scheduler"]["last_tick_seconds_ago"] == pytest.approx(2.0, abs=1.0)
    assert body["scheduler"]["last_reconcile_seconds_ago"] == pytest.approx(40.0, abs=1.0)


# The folder watcher


@pytest.fixture
def watcher_lock(r: redis.Redis) -> Iterator[watch.InstallationLock]:
    r.delete(watch.lock_key(), watch.last_rescan_key())
    lock = watch.InstallationLock()
    yield lock
    lock.release()
    r.delete(watch.lock_key(), watch.last_rescan_key())


def watcher_health(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/health/status")
    assert response.status_code == 200  # never down for it: files just wait to be imported
    return dict(response.json()["components"]["watcher"])


def test_a_watcher_that_should_run_and_does_not_turns_health_degraded(
    client: Client, watcher_lock: watch.InstallationLock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "WATCH", True)
    body = watcher_health(client)
    assert body["status"] == "degraded" and body["error"] == "no watcher is running"
    assert body["enabled"] is True and body["active"] is False


def test_an_active_watcher_reports_its_last_rescan_and_an_overdue_one_is_degraded(
    client: Client,
    r: redis.Redis,
    watcher_lock: watch.InstallationLock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Config, "WATCH", True)
    assert watcher_lock.hold()
    r.set(watch.last_rescan_key(), time.time() - 12)
    body = watcher_health(client)
    assert body["status"] == "healthy" and body["active"] is True
    assert body["last_rescan_seconds_ago"] == pytest.approx(12, abs=2)
    r.set(watch.last_rescan_key(), time.time() - 4 * Config.WATCH_RESCAN_SECONDS)
    body = watcher_health(client)
    assert body["status"] == "degraded" and body["error"] == "the watcher's rescan is overdue"


def test_no_watcher_is_healthy_where_none_was_asked_for(
    client: Client, watcher_lock: watch.InstallationLock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "WATCH", None)
    body = watcher_health(client)
    assert body == {
        "status": "healthy",
        "enabled": False,
        "active": False,
        "last_rescan_seconds_ago": None,
        "rescan_every_seconds": Config.WATCH_RESCAN_SECONDS,
    }
