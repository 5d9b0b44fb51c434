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

import redis

from assets.models import ProcessingStage
from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.metrics")

# Upper bounds (seconds) of the processing-duration histogram buckets; +Inf is implied.
DURATION_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
BACKOFF_SECONDS = 5.0

_lock = threading.Lock()
_skip_until = 0.0


def durations_key() -> str:
    return redis_key("metrics", "processing_seconds")


def failures_key() -> str:
    return redis_key("metrics", "failures")


def thumbnails_key() -> str:
    return redis_key("metrics", "thumbnails")


def _record(write: Callable[[redis.client.Pipeline], object]) -> None:
    """Runs one pipelined write; a metric lost to a Redis outage is better than a slow request."""
    global _skip_until
    if time.monotonic() < _skip_until:
        return
    try:
        pipe = redis_client(Purpose.METRICS).pipeline(transaction=False)
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
        pipe.hincrby(durations_key(), f"{prefix}|{bucket_label(seconds)}", 1)
        pipe.hincrbyfloat(durations_key(), f"{prefix}|sum", seconds)
        pipe.hincrby(durations_key(), f"{prefix}|count", 1)

    _record(write)


def record_failure(reason_class: str) -> None:
    _record(lambda pipe: pipe.hincrby(failures_key(), reason_class, 1))


def record_thumbnail(outcome: str) -> None:
    """outcome: `served` or `throttled`."""
    _record(lambda pipe: pipe.hincrby(thumbnails_key(), outcome, 1))


class StageTimer:
    """Times each stage of one asset's processing, from one stage report to the next.

    `clock` is injectable so tests control time instead of depending on the machine's load.
    """

    def __init__(self, media_type: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.media_type = media_type
        self.clock = clock
        self.started = self.stage_started = clock()
        self.stage: str | None = None
        self.durations: dict[str, float] = {}

    def enter(self, stage: str) -> None:
        now = self.clock()
        if self.stage is not None and stage != self.stage:
            self.durations[self.stage] = self.durations.get(self.stage, 0.0) + (
                now - self.stage_started
            )
        if stage != self.stage:
            self.stage, self.stage_started = stage, now

    def finish(self) -> None:
        """Records every stage and the total: called once the asset is ready."""
        self.enter(ProcessingStage.DONE)
        for stage, seconds in self.durations.items():
            record_duration(media_type=self.media_type, stage=stage, seconds=seconds)
        record_duration(
            media_type=self.media_type, stage="total", seconds=self.clock() - self.started
        )
