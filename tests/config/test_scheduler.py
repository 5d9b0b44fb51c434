"""The beat scheduler: one active per installation, the others standing by, ticks recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from assets.jobs.tasks import reconcile_stuck_assets
from mam import scheduler
from mam.celery import app
from mam.config import Config
from mam.scheduler import SingleBeatScheduler


@pytest.fixture
def r() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(Config.REDIS_URL)
    keys = (scheduler.lock_key(), scheduler.last_tick_key(), scheduler.last_reconcile_key())
    client.delete(*keys)
    yield client
    client.delete(*keys)


def make() -> SingleBeatScheduler:
    return SingleBeatScheduler(app=app, lazy=True)


def test_only_one_scheduler_is_active_and_a_standby_takes_over_when_it_stops(
    r: redis.Redis,
) -> None:
    first, second = make(), make()
    assert first.tick() <= scheduler.LOCK_SECONDS / 3
    assert first.active
    assert second.tick() == scheduler.STANDBY_POLL_SECONDS
    assert not second.active
    first.close()  # a clean stop releases the lock at once
    second.tick()
    assert second.active
    second.close()


def test_a_scheduler_killed_without_closing_is_replaced_once_its_lock_expires(
    r: redis.Redis,
) -> None:
    dead, standby = make(), make()
    dead.tick()
    r.delete(scheduler.lock_key())  # as if LOCK_SECONDS had passed with no renewal
    standby.tick()
    assert standby.active
    assert not dead._hold_lock()  # the old one, back from a pause, does not renew a lost lock
    standby.close()


@pytest.mark.django_db
def test_the_active_scheduler_records_its_ticks_and_the_reconciler_its_runs(
    r: redis.Redis, task_delay: object, quiet_events: object
) -> None:
    active = make()
    active.tick()
    assert r.get(scheduler.last_tick_key()) is not None
    assert reconcile_stuck_assets.apply().successful()
    assert r.get(scheduler.last_reconcile_key()) is not None
    active.close()


def test_every_celery_beat_uses_it() -> None:
    assert app.conf.beat_scheduler == "mam.scheduler:SingleBeatScheduler"
