"""enqueue_processing at scale: bounded batches, "queued" before the task, broker outages."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import redis
from django.db import OperationalError

from assets.jobs import leases, tasks
from assets.jobs.tasks import enqueue_processing, process_asset_task
from assets.realtime import events
from mam.celery import MEDIA_QUEUE
from mam.config import Config
from mam.redis_clients import Purpose, redis_client

pytestmark = pytest.mark.django_db


def enqueue_now(asset_ids: list[int]) -> None:
    """enqueue_processing, its on-commit work run as the test's transaction would commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        enqueue_processing(asset_ids)


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    """The Celery broker (the test Redis); the media queue is emptied before and after."""
    client = redis.Redis.from_url(Config.REDIS_URL)
    client.delete(MEDIA_QUEUE)
    yield client
    client.delete(MEDIA_QUEUE)


def queued_task_ids(client: redis.Redis) -> list[int]:
    """The asset id of every processing task waiting in the media queue, oldest first."""
    messages = [json.loads(raw) for raw in reversed(client.lrange(MEDIA_QUEUE, 0, -1))]
    assert {m["headers"]["task"] for m in messages} <= {"assets.process_asset"}
    return [json.loads(base64.b64decode(m["body"]))[0][0] for m in messages]


def retained_asset_ids(after_seq: int) -> list[int]:
    updates, _ = events.updates_after(after_seq, limit=100_000)
    return [u["data"]["asset_id"] for u in updates]


def is_queued(asset_id: int) -> bool:
    return bool(redis_client(Purpose.EVENTS).exists(leases.queued_key(asset_id)))


def test_enqueueing_thousands_sends_each_task_once_with_its_queued_update_and_marker(
    broker: redis.Redis,
) -> None:
    ids = list(range(1, 2 * tasks.ENQUEUE_BATCH + 201))  # three batches, the last one short
    before = events.current_seq()

    enqueue_now(ids)

    assert queued_task_ids(broker) == ids
    assert retained_asset_ids(before) == ids  # one "queued" update each, in the same order
    assert all(is_queued(a) for a in (ids[0], ids[tasks.ENQUEUE_BATCH], ids[-1]))


def test_each_batch_announces_its_assets_before_sending_their_tasks_and_never_exceeds_the_bound(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis
) -> None:
    monkeypatch.setattr(tasks, "ENQUEUE_BATCH", 4)
    log: list[tuple[str, list[int]]] = []
    publish = events.publish_processing_updates
    mark = leases.mark_queued

    def record_publish(updates: list[events.ProcessingUpdate]) -> list[int | None]:
        log.append(("announce", [u.asset_id for u in updates]))
        return publish(updates)

    def record_mark(asset_ids: list[int]) -> None:
        log.append(("mark", list(asset_ids)))
        mark(asset_ids)

    def record_send(asset_id: int) -> None:
        # What a fast worker could see at this moment: the update is retained already.
        assert asset_id in retained_asset_ids(0)
        log.append(("send", [asset_id]))

    with (
        mock.patch.object(events, "publish_processing_updates", side_effect=record_publish),
        mock.patch.object(leases, "mark_queued", side_effect=record_mark),
        mock.patch.object(process_asset_task, "delay", side_effect=record_send),
    ):
        enqueue_now(list(range(1, 11)))

    expected: list[tuple[str, list[int]]] = []
    for batch in ([1, 2, 3, 4], [5, 6, 7, 8], [9, 10]):
        expected += [("mark", batch), ("announce", batch)] + [("send", [a]) for a in batch]
    assert log == expected


def test_a_batch_the_broker_refuses_forgets_its_markers_and_the_others_are_still_sent(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tasks, "ENQUEUE_BATCH", 3)
    real_delay = process_asset_task.delay

    def broker_down_for_the_second_batch(asset_id: int) -> Any:
        if asset_id == 5:
            raise OperationalError("Error 111 connecting to the broker")
        return real_delay(asset_id)

    with mock.patch.object(
        process_asset_task, "delay", side_effect=broker_down_for_the_second_batch
    ):
        enqueue_now(list(range(1, 10)))

    # The refused batch sent nothing (its buffered message for asset 4 was discarded) and is
    # not marked queued, so the reconciler re-queues it; the batches around it went out.
    assert queued_task_ids(broker) == [1, 2, 3, 7, 8, 9]
    assert [a for a in range(1, 10) if is_queued(a)] == [1, 2, 3, 7, 8, 9]
    assert "could not enqueue 3 asset(s) from 4" in caplog.text


def test_a_pipeline_that_fails_on_flush_counts_the_whole_batch_as_unsent(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis
) -> None:
    from kombu.exceptions import BatchPublishError
    from kombu.transport.redis import PublishBatch

    monkeypatch.setattr(tasks, "ENQUEUE_BATCH", 5)
    with mock.patch.object(
        PublishBatch, "flush", side_effect=BatchPublishError("delivery is uncertain")
    ):
        enqueue_now([11, 12, 13])

    assert not any(is_queued(a) for a in (11, 12, 13))
