"""Thin Celery tasks: take an id, call the worker service; retries for transient failures only.
And `enqueue_processing`, the one way work is sent to them (after commit)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, transaction

from assets.jobs import leases, worker
from assets.jobs.processing.errors import TransientProcessingError
from assets.models import AssetStatus, ProcessingStage
from assets.realtime import events
from mam.config import Config
from mam.scheduler import record_reconcile_run

logger = logging.getLogger("mam.tasks")

# Retries of a delivery that found its asset leased: enough to outwait the longest task.
LEASE_RETRIES = 100


class ProcessingTask(Task[Any, Any]):
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
            worker.mark_failed(asset_id=int(asset_id), reason=reason, reason_class=reason_class)


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
def process_asset_task(self: Task[Any, Any], asset_id: int) -> None:
    try:
        worker.process_asset(asset_id)
    except leases.LeaseHeld as held:
        # Another worker has it. If that one is alive it finishes and this retry is a no-op;
        # if it died, its lease has expired by then and this one does the work.
        logger.info("%s; trying again in %s s", held, held.retry_after)
        raise self.retry(countdown=held.retry_after, max_retries=LEASE_RETRIES) from None


@shared_task(name="assets.reconcile_stuck_assets", ignore_result=True)
def reconcile_stuck_assets() -> dict[str, int]:
    """The database is the truth: re-queue work the broker or a worker lost."""
    record_reconcile_run()
    requeued, failed = worker.reconcile_stuck_assets(
        older_than_seconds=Config.STUCK_AFTER_SECONDS, requeue=enqueue_processing
    )
    if requeued or failed:
        logger.info("reconciler: re-enqueued %s, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed}


def enqueue_processing(asset_ids: Sequence[int]) -> None:
    """Once the caller's transaction commits, announces each asset as queued and sends its task.

    After commit: a worker must never look for a row that isn't there yet. Outside a
    transaction that is at once.
    """
    ids = list(asset_ids)
    if ids:
        transaction.on_commit(lambda: _send(ids))


def _send(asset_ids: list[int]) -> None:
    leases.mark_queued(asset_ids)  # before sending: a fast claim removes the marker
    for asset_id in asset_ids:
        # Announce before sending: a fast worker's first update must get a later seq than
        # "queued", or a client applying updates in order would end on "pending".
        events.publish_processing_update(
            asset_id=asset_id, status=AssetStatus.PENDING, stage=ProcessingStage.QUEUED, progress=0
        )
        try:
            process_asset_task.delay(asset_id)
        except Exception as exc:  # broker down: the reconciler re-queues pending assets
            logger.warning("could not enqueue asset %s: %s", asset_id, exc)
            leases.forget_queued(asset_id)
