"""The worker service: states on the asset, events in order, failures never silent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets import selectors, services
from assets.jobs import leases, worker
from assets.jobs.processing.pipeline import Stage
from assets.jobs.tasks import enqueue_processing, process_asset_task
from assets.library import similar
from assets.models import Asset, AssetStatus, ProcessingStage
from assets.realtime import events
from mam.config import Config
from mam.redis_clients import Purpose, redis_client
from tests.media import make_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_event_stream() -> None:
    redis_client(Purpose.EVENTS).delete(events.stream_key(), events.seq_key())


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


def stream_updates(asset_id: int) -> list[dict[str, Any]]:
    client = redis_client(Purpose.EVENTS)
    out = []
    for entry_id, fields in client.xrange(events.stream_key(), "-", "+"):
        data = json.loads(fields[b"data"])
        if data["asset_id"] == asset_id:
            out.append({"seq": events.seq_of(entry_id), **data})
    return out


def registered(media_root: Path, name: str = "a.jpg", **kwargs: Any) -> Asset:
    make_jpeg(media_root / name, **kwargs)
    return services.register_asset(file_path=name)


def test_processing_ends_ready_with_metadata_and_ordered_events(
    media_root: Path, thumbnail_dir: Path
) -> None:
    asset = registered(media_root, size=(1000, 500))
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.READY
    assert asset.processing_stage == "done" and asset.processing_progress == 100
    assert asset.media_metadata["width"] == 1000
    assert asset.media_metadata["thumbnail_url"].startswith("/thumbnails/")
    assert "/api/" not in asset.media_metadata["thumbnail_url"]
    assert (
        thumbnail_dir / asset.media_metadata["thumbnail_url"].removeprefix("/thumbnails/")
    ).exists()
    assert len(asset.checksum) == 64
    updates = stream_updates(asset.pk)
    assert [u["stage"] for u in updates] == [
        "validate",
        "metadata",
        "thumbnail",
        "done",
    ]
    assert [u["seq"] for u in updates] == sorted(u["seq"] for u in updates)
    assert len({u["seq"] for u in updates}) == len(updates)
    assert (
        updates[-1]["status"] == "ready"
        and updates[-1]["thumbnail_url"] == asset.media_metadata["thumbnail_url"]
    )


def test_a_transcode_may_use_what_the_task_s_time_limit_leaves(media_root: Path) -> None:
    asset = registered(media_root)
    real = worker.process_file
    seen: list[Any] = []

    def spy(source: Any, directory: Any, limits: Any, report: Any) -> Any:
        seen.append((limits, time.monotonic()))
        return real(source, directory, limits, report)

    with mock.patch.object(worker, "process_file", side_effect=spy):
        worker.process_asset(asset.pk)
    limits, at = seen[0]
    left = limits.transcode_deadline - at
    expected = Config.TASK_SOFT_TIME_LIMIT - worker.STORE_MARGIN_SECONDS
    assert expected - 5 < left <= expected
    assert limits.for_transcode().timeout > limits.timeout


def test_processing_stores_the_picture_hash_that_finds_a_resized_copy(media_root: Path) -> None:
    big = registered(media_root, "big.jpg", size=(640, 480))
    small = registered(media_root, "small.jpg", size=(320, 240))
    worker.process_asset(big.pk)
    worker.process_asset(small.pk)
    big.refresh_from_db()
    assert big.perceptual_hash is not None
    hashed, near = similar.similar_to(big.pk)
    assert hashed
    assert [s.asset_id for s in near] == [small.pk]
    assert near[0].distance <= similar.DEFAULT_GROUP_DISTANCE


def test_running_twice_is_a_no_op_the_second_time(media_root: Path) -> None:
    asset = registered(media_root)
    worker.process_asset(asset.pk)
    before = Asset.objects.get(pk=asset.pk)
    worker.process_asset(asset.pk)
    after = Asset.objects.get(pk=asset.pk)
    assert after.processing_attempts == before.processing_attempts == 1
    assert after.media_metadata == before.media_metadata


def test_corrupt_file_ends_failed_with_reason_and_event(media_root: Path) -> None:
    asset = registered(media_root, "cut.jpg", size=(800, 800))
    path = media_root / "cut.jpg"
    path.write_bytes(path.read_bytes()[:400])
    Asset.objects.filter(pk=asset.pk).update(file_size=400, file_mtime_ns=path.stat().st_mtime_ns)
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FAILED
    assert "damaged" in asset.processing_error
    last = stream_updates(asset.pk)[-1]
    assert last["status"] == "failed" and "damaged" in last["error"]


def test_vanished_file_fails_cleanly(media_root: Path) -> None:
    asset = registered(media_root)
    (media_root / "a.jpg").unlink()
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FAILED
    assert asset.processing_error == "The file no longer exists"
    assert str(media_root) not in asset.processing_error


def test_deleted_asset_is_skipped(media_root: Path) -> None:
    asset = registered(media_root)
    Asset.objects.filter(pk=asset.pk).delete()
    worker.process_asset(asset.pk)  # nothing to do, nothing raised
    assert stream_updates(asset.pk) == []


def test_repeatedly_interrupted_processing_gives_up(media_root: Path) -> None:
    asset = registered(media_root)
    Asset.objects.filter(pk=asset.pk).update(
        status=AssetStatus.PROCESSING, processing_attempts=Config.MAX_ATTEMPTS
    )
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FAILED
    assert "interrupted" in asset.processing_error


def test_giving_up_after_transient_errors_says_the_last_one(media_root: Path) -> None:
    from unittest import mock

    from assets.jobs.processing.errors import TransientProcessingError

    asset = registered(media_root)
    Asset.objects.filter(pk=asset.pk).update(processing_attempts=Config.MAX_ATTEMPTS - 1)
    failure = TransientProcessingError("[Errno 30] Read-only file system: 'thumbnails/x.jpg'")
    with (
        mock.patch.object(worker, "process_file", side_effect=failure),
        pytest.raises(TransientProcessingError),
    ):
        worker.process_asset(asset.pk)
    worker.process_asset(asset.pk)  # the next delivery finds the attempts used up
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FAILED
    assert "interrupted" in asset.processing_error
    assert "Read-only file system" in asset.processing_error


def test_reprocess_after_failure_runs_again(media_root: Path) -> None:
    asset = registered(media_root)
    (media_root / "a.jpg").rename(media_root / "away.jpg")
    worker.process_asset(asset.pk)
    (media_root / "away.jpg").rename(media_root / "a.jpg")
    services.reprocess_asset(asset_id=asset.pk)
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.READY and asset.processing_error == ""


def _shows(asset: Asset, name: str) -> None:
    Asset.objects.filter(pk=asset.pk).update(
        media_metadata={**asset.media_metadata, "thumbnail_url": f"/thumbnails/{name}"}
    )


@pytest.mark.parametrize("shared", [False, True])
def test_reprocessing_replaces_a_thumbnail_of_an_older_rendering(
    media_root: Path, thumbnail_dir: Path, shared: bool
) -> None:
    asset = registered(media_root, "a.jpg")
    twin = registered(media_root, "twin.jpg")  # the same bytes: the same thumbnail
    for one in (asset, twin):
        worker.process_asset(one.pk)
        one.refresh_from_db()
    assert asset.checksum == twin.checksum
    current = asset.thumbnail_name
    assert current
    old = f"{asset.checksum}-320.jpg"  # as named before rendering versions
    (thumbnail_dir / old).write_bytes(b"an older rendering")
    _shows(asset, old)
    if shared:
        _shows(twin, old)
    services.reprocess_asset(asset_id=asset.pk)
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.thumbnail_name == current and (thumbnail_dir / current).is_file()
    # Deleted once nothing shows it; kept while the twin does.
    assert (thumbnail_dir / old).exists() == shared


def test_reconciler_requeues_stuck_assets_and_fails_those_past_the_cap(
    media_root: Path, no_broker: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    stuck = registered(media_root, "stuck.jpg")
    hopeless = registered(media_root, "hopeless.jpg")
    fresh = registered(media_root, "fresh.jpg")
    old = timezone.now() - timedelta(hours=1)
    Asset.objects.filter(pk=stuck.pk).update(
        status=AssetStatus.PROCESSING, processing_attempts=1, updated_at=old
    )
    Asset.objects.filter(pk=hopeless.pk).update(
        status=AssetStatus.PROCESSING, processing_attempts=Config.MAX_ATTEMPTS, updated_at=old
    )
    no_broker.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        requeued, failed = worker.reconcile_stuck_assets(
            older_than_seconds=600, requeue=enqueue_processing
        )
    assert (requeued, failed) == (1, 1)
    no_broker.assert_called_once_with(stuck.pk)
    assert Asset.objects.get(pk=hopeless.pk).status == AssetStatus.FAILED
    assert Asset.objects.get(pk=fresh.pk).status == AssetStatus.PENDING
    # Touched: the next run does not enqueue it again before a worker picks it up.
    assert worker.reconcile_stuck_assets(older_than_seconds=600, requeue=enqueue_processing) == (
        0,
        0,
    )


def test_events_survive_a_redis_outage_without_breaking_processing(
    media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asset = registered(media_root)
    monkeypatch.setattr(Config, "REDIS_URL", "redis://127.0.0.1:1/0")
    worker.process_asset(asset.pk)
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.READY


def test_seq_continues_after_the_counter_key_is_lost() -> None:
    first = events.publish_processing_update(
        asset_id=1, status="processing", stage="validate", progress=5
    )
    redis_client(Purpose.EVENTS).delete(events.seq_key())
    second = events.publish_processing_update(
        asset_id=1, status="processing", stage="metadata", progress=30
    )
    assert first is not None and second == first + 1


def test_every_stage_the_pipeline_reports_is_one_an_asset_can_be_in() -> None:
    # The worker stores what the pipeline reports; a stage outside the model's choices would
    # fail every asset at that stage.
    assert {stage.value for stage in Stage} <= set(ProcessingStage.values)


@pytest.fixture
def foreign_lease() -> Iterator[Callable[[int, int], None]]:
    """Another worker's lease on an asset, given back after the test: asset ids repeat
    between tests (rolled back), and a lease left in Redis would hold up the next one."""
    keys: list[str] = []

    def hold(asset_id: int, seconds: int) -> None:
        keys.append(leases.lease_key(asset_id))
        redis_client(Purpose.EVENTS).set(keys[-1], "another-worker", ex=seconds)

    yield hold
    if keys:
        redis_client(Purpose.EVENTS).delete(*keys)


def test_a_delivery_while_another_worker_holds_the_lease_waits_its_turn(
    media_root: Path, foreign_lease: Callable[[int, int], None]
) -> None:
    asset = registered(media_root)
    foreign_lease(asset.pk, 30)
    with pytest.raises(leases.LeaseHeld) as held:
        worker.process_asset(asset.pk)
    assert 30 <= held.value.retry_after <= 32  # after the other's lease can have expired
    asset.refresh_from_db()
    assert asset.status == AssetStatus.PENDING
    assert asset.processing_attempts == 0
    assert stream_updates(asset.pk) == []  # nothing published, nothing decoded


def test_processing_holds_the_lease_and_gives_it_back(media_root: Path) -> None:
    asset = registered(media_root)
    client = redis_client(Purpose.EVENTS)
    client.set(leases.queued_key(asset.pk), 1)
    seen: list[bytes | None] = []
    original = worker._claim

    def claim_and_look(asset_id: int) -> Asset | None:
        seen.append(client.get(leases.lease_key(asset_id)))
        return original(asset_id)

    with mock.patch.object(worker, "_claim", claim_and_look):
        worker.process_asset(asset.pk)
    assert seen and seen[0] is not None  # held while it worked
    assert client.get(leases.lease_key(asset.pk)) is None
    assert client.get(leases.queued_key(asset.pk)) is None  # the task left the broker
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.READY


def test_the_reconciler_leaves_alone_assets_still_queued_or_leased(
    media_root: Path, no_broker: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    queued, leased, lost = (registered(media_root, f"{n}.jpg") for n in ("q", "l", "x"))
    old = timezone.now() - timedelta(hours=1)
    Asset.objects.filter(pk=queued.pk).update(updated_at=old)
    Asset.objects.filter(pk__in=[leased.pk, lost.pk]).update(
        status=AssetStatus.PROCESSING, processing_attempts=1, updated_at=old
    )
    client = redis_client(Purpose.EVENTS)
    client.set(leases.queued_key(queued.pk), 1, ex=60)
    client.set(leases.lease_key(leased.pk), "a-live-worker", ex=60)
    no_broker.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        requeued, failed = worker.reconcile_stuck_assets(
            older_than_seconds=600, requeue=enqueue_processing, batch_size=2
        )
    assert (requeued, failed) == (1, 0)
    no_broker.assert_called_once_with(lost.pk)


def test_the_reconciler_works_through_a_backlog_in_batches(
    media_root: Path, no_broker: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    stuck = [registered(media_root, f"b{n}.jpg") for n in range(7)]
    Asset.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    no_broker.reset_mock()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        requeued, _ = worker.reconcile_stuck_assets(
            older_than_seconds=600, requeue=enqueue_processing, batch_size=3
        )
    assert requeued == 7
    assert sorted(c.args[0] for c in no_broker.call_args_list) == [a.pk for a in stuck]
    selects = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert all("LIMIT 3" in q["sql"] for q in selects)  # never the whole backlog at once


def test_a_backlog_of_thousands_costs_queries_per_batch_not_per_asset() -> None:
    from tests.factories import AssetFactory

    rows = 2_500
    old = timezone.now() - timedelta(hours=1)
    Asset.objects.bulk_create(
        [AssetFactory.build(status=AssetStatus.PROCESSING) for _ in range(rows // 2)]
        + [AssetFactory.build(status=AssetStatus.PENDING) for _ in range(rows - rows // 2)]
    )
    Asset.objects.update(updated_at=old)
    Asset.objects.bulk_create(AssetFactory.build_batch(300, status=AssetStatus.READY))
    requeued_ids: list[int] = []
    batch_sizes: list[int] = []
    batches = selectors.stuck_asset_batches

    def counted(**kwargs: Any) -> Any:
        for batch in batches(**kwargs):
            batch_sizes.append(len(batch))
            yield batch

    with (
        mock.patch.object(selectors, "stuck_asset_batches", side_effect=counted),
        CaptureQueriesContext(connection) as queries,
    ):
        requeued, failed = worker.reconcile_stuck_assets(
            older_than_seconds=600, requeue=requeued_ids.extend, batch_size=1_000
        )

    assert (requeued, failed) == (rows, 0)
    stuck_ids = set(Asset.objects.exclude(status=AssetStatus.READY).values_list("pk", flat=True))
    assert len(requeued_ids) == rows and set(requeued_ids) == stuck_ids  # each exactly once
    # Each status in turn (1,250 of each), no read holding more than a batch.
    assert batch_sizes == [1_000, 250, 1_000, 250]
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # One read per batch (a short batch ends its status) and one touch per batch.
    assert len(selects) == 4 and all("LIMIT 1000" in sql for sql in selects)
    assert len(updates) == 4
    assert len(queries.captured_queries) == 8


def test_the_task_retries_a_leased_asset_once_the_lease_can_have_expired(
    media_root: Path, foreign_lease: Callable[[int, int], None]
) -> None:
    asset = registered(media_root)
    foreign_lease(asset.pk, 10)
    with (
        mock.patch.object(process_asset_task, "retry", side_effect=RuntimeError) as retry,
        pytest.raises(RuntimeError),
    ):
        process_asset_task.run(asset.pk)
    assert retry.call_args.kwargs["countdown"] in {11, 12}
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.PENDING
