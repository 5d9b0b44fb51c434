"""Thin Celery tasks: take an id, call the service; retries for transient failures only."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from assets import services
from assets.processing.errors import TransientProcessingError
from mam.config import Config

logger = logging.getLogger("mam.tasks")


class ProcessingTask(Task):  # type: ignore[misc]
    """Marks the asset failed when the task gives up (retries exhausted, unexpected error)."""

    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        asset_id = args[0] if args else kwargs.get("asset_id")
        if isinstance(exc, SoftTimeLimitExceeded):
            reason = f"Processing took longer than {Config.TASK_SOFT_TIME_LIMIT}s"
            reason_class = "timeout"
        elif isinstance(exc, TransientProcessingError):
            reason = f"{exc} (gave up after {self.request.retries} retries)"
            reason_class = exc.reason_class
        else:
            reason = "Internal error while processing; see the server's error log"
            reason_class = "internal"
        logger.error("processing task for asset %s failed: %s", asset_id, exc, exc_info=exc)
        if asset_id is not None:
            services.mark_failed(asset_id=int(asset_id), reason=reason, reason_class=reason_class)


@shared_task(
    bind=True,
    base=ProcessingTask,
    name="assets.process_asset",
    acks_late=True,
    autoretry_for=(TransientProcessingError, OperationalError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=3,
)
def process_asset_task(self: Task, asset_id: int) -> None:
    services.process_asset(asset_id)


@shared_task(name="assets.reconcile_stuck_assets", ignore_result=True)
def reconcile_stuck_assets() -> dict[str, int]:
    """The database is the truth: re-enqueue work the broker or a worker lost."""
    requeued, failed = services.reconcile_stuck_assets(
        older_than_seconds=Config.STUCK_AFTER_SECONDS
    )
    if requeued or failed:
        logger.info("reconciler: re-enqueued %s, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed}
