"""The beat scheduler: exactly one per installation, however many are started, and visible.

Every `celery beat` (a launcher's, docker-compose's, a second launcher's) runs this scheduler.
Only the one holding a lock in Redis sends tasks; the others stand by and take over within a
lock's lifetime when it stops. Each tick of the active one is recorded, and so is each run of
the reconciler it schedules, for /health/processing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

import redis
from celery.beat import Scheduler

from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.system")

LOCK_SECONDS = 30  # a dead scheduler's lock expires after this; a standby then takes over
STANDBY_POLL_SECONDS = 5.0

# Renew only a lock we hold (compare, then expire), atomically.
_RENEW_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def lock_key() -> str:
    return redis_key("beat", "lock")


def last_tick_key() -> str:
    return redis_key("beat", "last_tick")


def last_reconcile_key() -> str:
    return redis_key("beat", "last_reconcile")


def record_reconcile_run() -> None:
    """Called by the reconciler task each time it runs (never raises)."""
    try:
        redis_client(Purpose.HEARTBEAT).set(last_reconcile_key(), time.time())
    except redis.RedisError as exc:
        logger.warning("could not record the reconciler's run: %s", exc)


class SingleBeatScheduler(Scheduler):
    """A Celery beat scheduler that sends tasks only while it holds the installation's lock.

    The schedule lives in memory (the only entry is a fixed interval, so nothing is lost by
    not persisting it), so several schedulers never share a schedule file either.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.token = f"{socket.gethostname()}:{os.getpid()}:{time.time()}"
        self.active = False
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._hold_lock():
            return STANDBY_POLL_SECONDS
        try:
            redis_client(Purpose.HEARTBEAT).set(last_tick_key(), time.time())
        except redis.RedisError as exc:
            logger.warning("could not record the scheduler's tick: %s", exc)
        delay = float(super().tick(*args, **kwargs))
        return min(delay, LOCK_SECONDS / 3)  # back in time to renew the lock

    def close(self) -> None:
        if self.active:
            try:
                redis_client(Purpose.HEARTBEAT).eval(_RELEASE_SCRIPT, 1, lock_key(), self.token)
            except redis.RedisError as exc:
                logger.warning("could not release the scheduler lock: %s", exc)
        super().close()

    def _hold_lock(self) -> bool:
        client = redis_client(Purpose.HEARTBEAT)
        try:
            if self.active:
                held = bool(client.eval(_RENEW_SCRIPT, 1, lock_key(), self.token, LOCK_SECONDS))
            else:
                held = bool(client.set(lock_key(), self.token, nx=True, ex=LOCK_SECONDS))
        except redis.RedisError as exc:
            logger.warning("scheduler lock unavailable: %s", exc)
            held = False
        if held != self.active:
            self.active = held
            logger.info(
                "scheduler %s: %s",
                self.token,
                "active (holds the lock)" if held else "standing by (another holds the lock)",
            )
        return held
