"""One function per component; each returns its own status and figures, fast, never raising."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

import psutil
import redis
from asgiref.sync import async_to_sync
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers
from django.db import connection

from assets.ingest import watch
from assets.realtime import events, presence
from health.workers import live_workers
from mam import scheduler
from mam.celery import MEDIA_QUEUE
from mam.config import Config
from mam.redis_clients import Purpose, redis_client

HEALTHY, DEGRADED, UNHEALTHY = "healthy", "degraded", "unhealthy"
MIN_FREE_DISK_BYTES = 512 * 1024**2
# The active scheduler ticks at least every third of its lock's lifetime.
SCHEDULER_SILENT_SECONDS = 2 * scheduler.LOCK_SECONDS
MEMORY_DEGRADED_PERCENT = 90.0


@dataclass
class ComponentHealth:
    status: str
    critical: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **self.details}


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def check_database() -> ComponentHealth:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return ComponentHealth(UNHEALTHY, details={"error": type(exc).__name__})
    return ComponentHealth(
        HEALTHY, details={"vendor": connection.vendor, "latency_ms": _ms(started)}
    )


def check_redis() -> ComponentHealth:
    started = time.perf_counter()
    try:
        client = redis_client(Purpose.PROBE)
        client.ping()
        info = client.info("memory")
    except redis.RedisError as exc:
        return ComponentHealth(UNHEALTHY, details={"error": type(exc).__name__})
    return ComponentHealth(
        HEALTHY,
        details={"latency_ms": _ms(started), "used_memory_bytes": info.get("used_memory")},
    )


def check_filesystem() -> ComponentHealth:
    media, data = Config.MEDIA_BASE_PATH, Config.DATA_DIR
    media_ok = media.is_dir() and os.access(media, os.R_OK | os.X_OK)
    try:
        Config.THUMBNAIL_DIR.mkdir(parents=True, exist_ok=True)
        data_ok = os.access(data, os.W_OK) and os.access(Config.THUMBNAIL_DIR, os.W_OK)
    except OSError:
        data_ok = False
    # The thumbnail directory and the uploads folder may be volumes of their own: the
    # emptiest of the places MAM writes to is what counts.
    free_by_place: dict[str, int] = {}
    for name, place in (
        ("data", data),
        ("thumbnails", Config.THUMBNAIL_DIR),
        ("uploads", Config.upload_dir if Config.upload_dir.is_dir() else media),
    ):
        try:
            free_by_place[name] = shutil.disk_usage(place).free
        except OSError:
            free_by_place[name] = 0
    free = min(free_by_place.values())
    if not (media_ok and data_ok):
        status = UNHEALTHY
    elif free < MIN_FREE_DISK_BYTES:
        status = DEGRADED
    else:
        status = HEALTHY
    return ComponentHealth(
        status,
        details={
            "media_readable": media_ok,
            "data_writable": data_ok,
            "free_disk_bytes": free,
            "free_disk_bytes_by_place": free_by_place,
        },
    )


def check_memory() -> ComponentHealth:
    memory = psutil.virtual_memory()
    process = psutil.Process()
    status = DEGRADED if memory.percent >= MEMORY_DEGRADED_PERCENT else HEALTHY
    return ComponentHealth(
        status,
        critical=False,
        details={
            "used_percent": memory.percent,
            "available_bytes": memory.available,
            "process_rss_bytes": process.memory_info().rss,
        },
    )


def overall(components: dict[str, ComponentHealth]) -> str:
    if any(c.status == UNHEALTHY and c.critical for c in components.values()):
        return UNHEALTHY
    if any(c.status != HEALTHY for c in components.values()):
        return DEGRADED
    return HEALTHY


# Celery's Redis transport keeps a queue as a list named after it, plus one list per priority
# step above 0 (kombu's `<queue>\x06\x16<priority>`).
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def queue_depth(client: redis.Redis, queue: str) -> int:
    """Messages waiting in a Celery queue (not counting those a worker has taken)."""
    pipe = client.pipeline(transaction=False)
    for suffix in _PRIORITY_SUFFIXES:
        pipe.llen(f"{queue}{suffix}")
    return sum(int(n) for n in pipe.execute())


def _age(raw: bytes | str | None, now: float) -> float | None:
    try:
        return round(max(0.0, now - float(raw)), 1) if raw is not None else None
    except ValueError:
        return None


def check_scheduler() -> ComponentHealth:
    """The beat scheduler: when the active one last ticked, and when the reconciler it
    schedules last ran. Degraded when either is overdue (nothing re-queues lost work then)."""
    now = time.time()
    try:
        client = redis_client(Purpose.PROBE)
        tick, reconcile = client.mget(scheduler.last_tick_key(), scheduler.last_reconcile_key())
    except redis.RedisError as exc:
        return ComponentHealth(UNHEALTHY, critical=False, details={"error": type(exc).__name__})
    details: dict[str, Any] = {
        "last_tick_seconds_ago": _age(tick, now),
        "last_reconcile_seconds_ago": _age(reconcile, now),
        "reconcile_every_seconds": Config.RECONCILE_EVERY_SECONDS,
    }
    tick_age, reconcile_age = (
        details["last_tick_seconds_ago"],
        details["last_reconcile_seconds_ago"],
    )
    if tick_age is None:
        problem = "no scheduler has run"
    elif tick_age > SCHEDULER_SILENT_SECONDS:
        problem = "the scheduler has stopped"
    elif reconcile_age is not None and reconcile_age > 3 * Config.RECONCILE_EVERY_SECONDS:
        problem = "the reconciler is overdue"
    else:
        return ComponentHealth(HEALTHY, critical=False, details=details)
    return ComponentHealth(DEGRADED, critical=False, details={**details, "error": problem})


def check_watcher() -> ComponentHealth:
    """The folder watcher (MAM_WATCH): whether one holds the installation's watch lock, and
    when it last rescanned MEDIA_PATH. Degraded when it should run and does not, or its
    rescan is overdue: new files then wait for someone to import them."""
    now = time.time()
    try:
        client = redis_client(Purpose.PROBE)
        active = bool(client.exists(watch.lock_key()))
        rescan = client.get(watch.last_rescan_key())
    except redis.RedisError as exc:
        return ComponentHealth(UNHEALTHY, critical=False, details={"error": type(exc).__name__})
    rescan_age = _age(rescan, now)
    details: dict[str, Any] = {
        "enabled": Config.WATCH is True,
        "active": active,
        "last_rescan_seconds_ago": rescan_age if active else None,
        "rescan_every_seconds": Config.WATCH_RESCAN_SECONDS,
    }
    if Config.WATCH is True and not active:
        problem = "no watcher is running"
    elif active and rescan_age is not None and rescan_age > 3 * Config.WATCH_RESCAN_SECONDS:
        problem = "the watcher's rescan is overdue"
    else:
        return ComponentHealth(HEALTHY, critical=False, details=details)
    return ComponentHealth(DEGRADED, critical=False, details={**details, "error": problem})


@dataclass
class ProcessingState:
    """What /health/processing and /metrics report about the work and the workers."""

    queued: int | None
    workers: list[dict[str, Any]]
    redis_error: str | None = None

    @property
    def stalled(self) -> bool:
        """Work is waiting and nobody is alive to do it (or Redis cannot tell us)."""
        return self.redis_error is not None or (bool(self.queued) and not self.workers)


def processing_state() -> ProcessingState:
    try:
        client = redis_client(Purpose.PROBE)
        return ProcessingState(
            queued=queue_depth(client, MEDIA_QUEUE), workers=live_workers(client)
        )
    except redis.RedisError as exc:
        return ProcessingState(queued=None, workers=[], redis_error=type(exc).__name__)


def check_workers(state: ProcessingState | None = None) -> ComponentHealth:
    """Live workers from their heartbeats; critical only when work is queued and none is alive."""
    state = state or processing_state()
    details: dict[str, Any] = {
        "count": len(state.workers),
        "queued": state.queued,
        "workers": [w["hostname"] for w in state.workers],
    }
    if state.redis_error:
        return ComponentHealth(
            UNHEALTHY, critical=False, details={**details, "error": state.redis_error}
        )
    if not state.workers:
        if state.queued:
            return ComponentHealth(
                UNHEALTHY, details={**details, "error": "work is queued and no worker is alive"}
            )
        return ComponentHealth(DEGRADED, critical=False, details=details)
    return ComponentHealth(HEALTHY, critical=False, details=details)


_last_status: dict[str, str] = {}


def log_changes(components: dict[str, ComponentHealth]) -> None:
    """Writes a line to the system log when a component's status differs from the last seen."""
    from mam.system_log import log_event

    for name, component in components.items():
        before = _last_status.get(name)
        if before != component.status:
            _last_status[name] = component.status
            if before is not None or component.status != HEALTHY:
                log_event(
                    "health_changed", component=name, previous=before, status=component.status
                )


# The channel-layer probe must give up well inside the one second a health answer may take.
CHANNEL_LAYER_TIMEOUT = 0.5


async def _channel_layer_round_trip() -> float:
    """Sends one message to a fresh channel and receives it; milliseconds taken.

    A layer instance of its own, so the probe never shares receive state with the consumers.
    """
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    try:
        channel = await layer.new_channel()
        started = time.perf_counter()
        await layer.send(channel, {"type": "health.probe"})
        await layer.receive(channel)
        return _ms(started)
    finally:
        close = getattr(layer, "close_pools", None)
        if close is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(close(), CHANNEL_LAYER_TIMEOUT)


def check_channel_layer() -> ComponentHealth:
    """Round trip through the channel layer that carries live updates to /ws connections."""

    async def probe() -> float:
        return await asyncio.wait_for(_channel_layer_round_trip(), CHANNEL_LAYER_TIMEOUT)

    try:
        round_trip = async_to_sync(probe)()
    except Exception as exc:
        return ComponentHealth(UNHEALTHY, critical=False, details={"error": type(exc).__name__})
    return ComponentHealth(
        HEALTHY,
        critical=False,
        details={
            "round_trip_ms": round_trip,
            "capacity": Config.CHANNEL_CAPACITY,
            "expiry_seconds": Config.CHANNEL_EXPIRY,
        },
    )


def check_realtime_events() -> ComponentHealth:
    """Open /ws connections across server processes, the current seq and the retained depth."""
    try:
        client = redis_client(Purpose.PROBE)
        presence.forget_dead_processes(client)
        per_process = presence.open_connections(client)
        with client.pipeline(transaction=False) as pipe:
            pipe.get(events.seq_key())
            pipe.xlen(events.stream_key())
            pipe.xrange(events.stream_key(), "-", "+", count=1)
            seq, depth, oldest = pipe.execute()
    except redis.RedisError as exc:
        return ComponentHealth(UNHEALTHY, details={"error": type(exc).__name__})
    return ComponentHealth(
        HEALTHY,
        details={
            "open_connections": sum(per_process.values()),
            "server_processes": len(per_process),
            "current_seq": int(seq or 0),
            "retained_updates": int(depth),
            "oldest_retained_seq": (
                events.seq_of(events.stream_entries(oldest)[0][0]) if oldest else None
            ),
            "retention_limit": Config.EVENT_RETENTION,
        },
    )
