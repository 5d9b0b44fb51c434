"""The Celery app: Redis broker, JSON only, late acks, one task at a time per worker process."""

from __future__ import annotations

import os
import resource
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_ready, worker_shutdown

from mam.config import Config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")

MEDIA_QUEUE = "media"
MAINTENANCE_QUEUE = "maintenance"

app = Celery("mam")
app.conf.update(
    broker_url=Config.REDIS_URL,
    broker_connection_retry_on_startup=True,
    # A message is acknowledged only when its task has finished, and handed out again if the
    # worker dies, or after the visibility timeout, which must exceed the longest task.
    broker_transport_options={
        "visibility_timeout": Config.VISIBILITY_TIMEOUT,
        "global_keyprefix": "",
    },
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_default_queue=MEDIA_QUEUE,
    task_routes={
        "assets.process_asset": {"queue": MEDIA_QUEUE},
        "assets.run_import": {"queue": MEDIA_QUEUE},
        "assets.reconcile_stuck_assets": {"queue": MAINTENANCE_QUEUE},
        "assets.expire_partial_uploads": {"queue": MAINTENANCE_QUEUE},
        "assets.refresh_statistics": {"queue": MAINTENANCE_QUEUE},
    },
    task_soft_time_limit=Config.TASK_SOFT_TIME_LIMIT,
    task_time_limit=Config.TASK_TIME_LIMIT,
    worker_concurrency=Config.WORKER_CONCURRENCY,
    worker_hijack_root_logger=False,
    # Celery counts in KiB, after each task: a child that kept a huge image's memory goes.
    worker_max_memory_per_child=Config.WORKER_MAX_MEMORY_PER_CHILD // 1024,
    timezone="UTC",
    # One active scheduler per installation (a Redis lock), its ticks recorded for health.
    beat_scheduler="mam.scheduler:SingleBeatScheduler",
    beat_schedule={
        "reconcile-stuck-assets": {
            "task": "assets.reconcile_stuck_assets",
            "schedule": float(Config.RECONCILE_EVERY_SECONDS),
        },
        "expire-partial-uploads": {
            "task": "assets.expire_partial_uploads",
            "schedule": 3600.0,
        },
        "refresh-statistics": {
            "task": "assets.refresh_statistics",
            "schedule": 3600.0,
        },
    },
)
app.autodiscover_tasks(["assets.jobs"])


@worker_process_init.connect
def limit_worker_memory(**_: Any) -> None:
    """Cap each worker process's address space: a hostile image cannot take the host down."""
    limit = Config.DECODER_MEMORY_BYTES + 2 * 1024**3
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@worker_ready.connect
def announce_worker_ready(sender: Any = None, **_: Any) -> None:
    from mam.system_log import log_event, log_startup

    log_startup("worker")
    log_event("worker_ready", hostname=getattr(sender, "hostname", "?"))
    start_heartbeat(sender)


@worker_shutdown.connect
def announce_worker_shutdown(sender: Any = None, **_: Any) -> None:
    from mam.system_log import log_event

    log_event("worker_shutdown", hostname=getattr(sender, "hostname", "?"))
    if _heartbeat is not None:
        _heartbeat.stop()


_heartbeat: Any = None


def start_heartbeat(sender: Any) -> None:
    """Announces this worker in Redis until it stops (read by /health/processing)."""
    global _heartbeat
    from health.workers import Heartbeat

    controller = getattr(sender, "controller", None)
    _heartbeat = Heartbeat(
        getattr(sender, "hostname", None) or "worker",
        concurrency=getattr(controller, "concurrency", None),
    )
    _heartbeat.start()
