"""Thin Celery tasks: take an id, call the worker service; retries for transient failures only.
And `enqueue_processing`, the one way work is sent to them (after commit)."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, connection, transaction
from kombu import Producer

from assets.jobs import leases, worker
from assets.jobs.processing.errors import TransientProcessingError
from assets.models import AssetStatus, ProcessingStage
from assets.realtime import events
from mam.config import Config
from mam.scheduler import record_reconcile_run

logger = logging.getLogger("mam.tasks")

# Retries of a delivery that found its asset leased: enough to outwait the longest task.
LEASE_RETRIES = 100
# Assets enqueued per round: markers, "queued" updates and task messages, each a pipelined
# write of this many.
ENQUEUE_BATCH = 500

# The producer of the batch being sent (see _sending_through), if any.
_batch_producer: ContextVar[Producer | None] = ContextVar("mam_batch_producer", default=None)


@contextmanager
def _sending_through(producer: Producer) -> Iterator[None]:
    """Tasks sent in the block (`delay` included) go through this producer and its batch:
    `delay` stays the one way a processing task is sent, batched or not."""
    token = _batch_producer.set(producer)
    try:
        yield
    finally:
        _batch_producer.reset(token)


class ProcessingTask(Task[Any, Any]):
    """Marks the asset failed when the task gives up (retries exhausted, unexpected error);
    sent through the current batch's producer when there is one."""

    def apply_async(self, *args: Any, **options: Any) -> Any:
        producer = _batch_producer.get()
        if producer is not None and options.get("producer") is None:
            options["producer"] = producer
        return super().apply_async(*args, **options)

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
    from assets.ingest import import_jobs

    imports_restarted, imports_failed = import_jobs.reconcile_lost(requeue=enqueue_import)
    if imports_restarted or imports_failed:
        logger.info(
            "reconciler: imports started again %s, failed %s", imports_restarted, imports_failed
        )
    return {
        "requeued": requeued,
        "failed": failed,
        "imports_restarted": imports_restarted,
        "imports_failed": imports_failed,
    }


# An import walks a whole library: no processing time limit, only this day-long backstop.
IMPORT_TIME_LIMIT = 24 * 3600


@shared_task(
    name="assets.run_import",
    ignore_result=True,
    # Acknowledged when taken: the job's heartbeat, not the broker, notices a lost worker
    # (an import can outlast the visibility timeout, and would then run twice at once).
    acks_late=False,
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
)
def run_import(job_id: int) -> None:
    from assets.ingest import import_jobs  # it registers through services, which import us

    import_jobs.run(job_id)


def enqueue_import(job_id: int) -> None:
    """Sends an import job to the workers; if the broker is down the reconciler sends it later."""
    try:
        run_import.delay(job_id)
    except Exception as exc:  # kombu's errors vary by transport; the job row is the truth
        logger.warning("could not send import %s (the reconciler will): %s", job_id, exc)


@shared_task(name="assets.expire_partial_uploads", ignore_result=True)
def expire_partial_uploads() -> int:
    """Removes resumable uploads nobody added to within MAM_UPLOAD_EXPIRY_SECONDS."""
    from assets.ingest import resumable  # it registers through services, which import us

    return resumable.expire()


@shared_task(name="assets.refresh_statistics", ignore_result=True)
def refresh_statistics() -> None:
    """The database's planner statistics, as the library grows (SQLite only; PostgreSQL's
    autovacuum keeps its own)."""
    from assets.library import index

    index.refresh_statistics(connection)


def enqueue_processing(asset_ids: Sequence[int]) -> None:
    """Once the caller's transaction commits, announces each asset as queued and sends its task.

    After commit: a worker must never look for a row that isn't there yet. Outside a
    transaction that is at once.
    """
    ids = list(asset_ids)
    if ids:
        transaction.on_commit(lambda: _send(ids))


def _send(asset_ids: list[int]) -> None:
    # In bounded batches: 100,000 ids cost 100,000 markers, events and messages, but only a
    # few round trips per batch, and no batch holds more than ENQUEUE_BATCH of anything.
    for start in range(0, len(asset_ids), ENQUEUE_BATCH):
        _send_batch(asset_ids[start : start + ENQUEUE_BATCH])


def _send_batch(asset_ids: list[int]) -> None:
    leases.mark_queued(asset_ids)  # before sending: a fast claim removes the marker
    # Announce before sending: a fast worker's first update must get a later seq than
    # "queued", or a client applying updates in order would end on "pending".
    events.publish_processing_updates(
        [
            events.ProcessingUpdate(
                asset_id=asset_id,
                status=AssetStatus.PENDING,
                stage=ProcessingStage.QUEUED,
                progress=0,
            )
            for asset_id in asset_ids
        ]
    )
    try:
        # One producer and one pipelined write for the batch (kombu's Producer.batch; the
        # Redis transport flushes it as a non-transactional pipeline).
        with (
            process_asset_task.app.producer_or_acquire() as producer,
            producer.batch(max_size=ENQUEUE_BATCH),
            _sending_through(producer),
        ):
            for asset_id in asset_ids:
                process_asset_task.delay(asset_id)
    except Exception as exc:  # broker down: the reconciler re-queues pending assets
        # A failed pipeline may have delivered part of the batch: a task sent twice (once
        # here, once by the reconciler) finds its work done and does nothing.
        logger.warning(
            "could not enqueue %s asset(s) from %s: %s", len(asset_ids), asset_ids[0], exc
        )
        leases.forget_queued(asset_ids)
