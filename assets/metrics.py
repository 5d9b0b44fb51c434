"""Cross-process counters for /metrics: processing durations, failures, thumbnails (in Redis).

Every process (web and workers) adds to the same Redis hashes, so one scrape of any web
process sees the whole system. Recording never raises and never stalls the caller: after a
Redis error, recording is skipped for a few seconds instead of paying a timeout per call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import cache

import redis

from mam.config import Config

logger = logging.getLogger("mam.metrics")

DURATIONS_KEY = f"{Config.REDIS_PREFIX}:metrics:processing_seconds"
FAILURES_KEY = f"{Config.REDIS_PREFIX}:metrics:failures"
THUMBNAILS_KEY = f"{Config.REDIS_PREFIX}:metrics:thumbnails"
# Upper bounds (seconds) of the processing-duration histogram buckets; +Inf is implied.
DURATION_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
REDIS_TIMEOUT = 0.3
BACKOFF_SECONDS = 5.0

_lock = threading.Lock()
_skip_until = 0.0


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(
        Config.REDIS_URL, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )


def _record(write: Callable[[redis.client.Pipeline], object]) -> None:
    """Runs one pipelined write; a metric lost to a Redis outage is better than a slow request."""
    global _skip_until
    if time.monotonic() < _skip_until:
        return
    try:
        pipe = _client().pipeline(transaction=False)
        write(pipe)
        pipe.execute()
    except Exception as exc:
        # Not only RedisError: redis-py can surface a socket torn down under it as ValueError
        # (seen once serving a thumbnail). A metric is never worth failing the request.
        with _lock:
            _skip_until = time.monotonic() + BACKOFF_SECONDS
        logger.warning("metrics not recorded (Redis unavailable): %r", exc)


def bucket_label(seconds: float) -> str:
    """The histogram bucket a duration falls in (its upper bound, Prometheus style)."""
    for bound in DURATION_BUCKETS:
        if seconds <= bound:
            return format_bound(bound)
    return "+Inf"


def format_bound(bound: float) -> str:
    return repr(float(bound))


def record_duration(*, media_type: str, stage: str, seconds: float) -> None:
    prefix = f"{media_type}|{stage}"

    def write(pipe: redis.client.Pipeline) -> None:
        pipe.hincrby(DURATIONS_KEY, f"{prefix}|{bucket_label(seconds)}", 1)
        pipe.hincrbyfloat(DURATIONS_KEY, f"{prefix}|sum", seconds)
        pipe.hincrby(DURATIONS_KEY, f"{prefix}|count", 1)

    _record(write)


def record_failure(reason_class: str) -> None:
    _record(lambda pipe: pipe.hincrby(FAILURES_KEY, reason_class, 1))


def record_thumbnail(outcome: str) -> None:
    """outcome: `served` or `throttled`."""
    _record(lambda pipe: pipe.hincrby(THUMBNAILS_KEY, outcome, 1))


class StageTimer:
    """Times each stage of one asset's processing, from one stage report to the next."""

    def __init__(self, media_type: str) -> None:
        self.media_type = media_type
        self.started = self.stage_started = time.monotonic()
        self.stage: str | None = None
        self.durations: dict[str, float] = {}

    def enter(self, stage: str) -> None:
        now = time.monotonic()
        if self.stage is not None and stage != self.stage:
            self.durations[self.stage] = self.durations.get(self.stage, 0.0) + (
                now - self.stage_started
            )
        if stage != self.stage:
            self.stage, self.stage_started = stage, now

    def finish(self) -> None:
        """Records every stage and the total: called once the asset is ready."""
        self.enter("done")
        for stage, seconds in self.durations.items():
            record_duration(media_type=self.media_type, stage=stage, seconds=seconds)
        record_duration(
            media_type=self.media_type, stage="total", seconds=time.monotonic() - self.started
        )
