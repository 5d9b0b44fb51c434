"""Folder imports started from the API: a job row, run by a worker with the same walk as
`import_media`, its progress saved and announced as `import_update` a few times a second.

A job is acknowledged as soon as a worker takes it (an import may run longer than any
visibility timeout); the row's heartbeat is what tells a lost job from a slow one, and the
reconciler starts a lost job again. Starting again is safe: files already registered are
skipped, so the counts of a restarted job describe its last run.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assets.ingest.bulk_import import (
    AuditedAs,
    ImportPathError,
    Outcome,
    count_files,
    import_media,
    resolve_import_root,
)
from assets.ingest.paths import relative_to_base
from assets.models import IMPORT_REJECTIONS_KEPT, ImportJob, ImportStatus
from assets.realtime import events
from mam.config import Config
from mam.errors import Conflict, InvalidInput, NotFound

logger = logging.getLogger("mam.imports")

# How often a running job saves its counts, checks for a cancel and announces itself.
PROGRESS_EVERY_SECONDS = 0.5
# A running job whose heartbeat is older than this was lost with its worker.
LOST_AFTER_SECONDS = 120
# A queued job nobody took within this long lost its task message (a Redis restart).
UNCLAIMED_AFTER_SECONDS = 600
# Runs of one job before it is failed instead of started again.
MAX_ATTEMPTS = 3
MAX_EXCLUDES = 50
MAX_EXCLUDE_LENGTH = 200


def job_data(job: ImportJob, *, with_rejections: bool = True) -> dict[str, Any]:
    """A job as the API shows it and `import_update` carries it (without the rejections)."""
    data: dict[str, Any] = {
        "id": job.pk,
        "path": job.path,
        "exclude": list(job.exclude),
        "process": job.process,
        "status": job.status,
        "cancel_requested": job.cancel_requested,
        "total": job.total,
        "counts": {
            "seen": job.seen,
            "added": job.added,
            "skipped": job.skipped,
            "ignored": job.ignored,
            "rejected": job.rejected,
            "excluded": job.excluded,
        },
        "error": job.error or None,
        "created_by": job.created_by.get_username() if job.created_by else None,
        "created_at": _timestamp(job.created_at),
        "started_at": _timestamp(job.started_at),
        "finished_at": _timestamp(job.finished_at),
    }
    if with_rejections:
        data["rejections"] = list(job.rejections)
    return data


def _timestamp(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None


def _announce(job: ImportJob) -> None:
    events.publish_events([events.ImportEvent(job_data(job, with_rejections=False))])


def get(job_id: int) -> ImportJob:
    try:
        return ImportJob.objects.select_related("created_by").get(pk=job_id)
    except ImportJob.DoesNotExist:
        raise NotFound("Import not found", import_id=job_id) from None


def start(
    path: str,
    *,
    exclude: Sequence[str] = (),
    process: bool = True,
    user: Any = None,
    enqueue: Callable[[int], None],
) -> ImportJob:
    """Checks the folder and the patterns, saves a queued job and has `enqueue(job_id)` send
    it once the row is committed."""
    try:
        root = resolve_import_root(path)
    except ImportPathError as exc:
        raise InvalidInput(str(exc), path=path) from None
    relative = "" if root == Config.MEDIA_BASE_PATH.resolve() else relative_to_base(root)
    if len(exclude) > MAX_EXCLUDES:
        raise InvalidInput(f"At most {MAX_EXCLUDES} exclude patterns", exclude=len(exclude))
    for pattern in exclude:
        if not pattern.strip() or len(pattern) > MAX_EXCLUDE_LENGTH:
            raise InvalidInput(
                f"An exclude pattern must be 1 to {MAX_EXCLUDE_LENGTH} characters",
                exclude=pattern[:MAX_EXCLUDE_LENGTH],
            )
    with transaction.atomic():
        job = ImportJob.objects.create(
            path=relative,
            exclude=list(exclude),
            process=process,
            created_by=user if getattr(user, "pk", None) else None,
            heartbeat_at=timezone.now(),  # queued since: see reconcile_lost
        )
        transaction.on_commit(lambda: enqueue(job.pk))
    _announce(job)
    return job


def cancel(job_id: int) -> ImportJob:
    """Asks a queued or running job to stop; a queued one stops at once. A finished job is a
    409: there is nothing left to cancel."""
    job = get(job_id)
    if job.finished:
        raise Conflict(f"This import has already ended ({job.status})", import_id=job_id)
    now = timezone.now()
    stopped = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CANCELLED, cancel_requested=True, finished_at=now
    )
    if not stopped:
        ImportJob.objects.filter(pk=job_id).update(cancel_requested=True)
    job = get(job_id)
    if stopped:
        _announce(job)
    return job


def _claim(job_id: int) -> ImportJob | None:
    """Queued → running for this worker; None when the job is gone, finished or cancelled."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportStatus.QUEUED, cancel_requested=False
    ).update(status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now, finished_at=None)
    if not claimed:
        return None
    job = get(job_id)
    job.attempts += 1
    job.total = None
    job.added = job.skipped = job.ignored = job.rejected = job.excluded = 0
    job.rejections = []
    job.error = ""
    job.save(
        update_fields=[
            "attempts",
            "total",
            "added",
            "skipped",
            "ignored",
            "rejected",
            "excluded",
            "rejections",
            "error",
        ]
    )
    return job


@dataclass
class _Progress:
    """The running job's counts in memory, saved and announced every PROGRESS_EVERY_SECONDS."""

    job: ImportJob
    last_saved: float = 0.0
    cancelled: bool = False

    def notify(self, outcome: Outcome, relative: str, reason: str | None) -> None:
        job = self.job
        setattr(job, str(outcome), getattr(job, str(outcome)) + 1)
        if outcome is Outcome.REJECTED and len(job.rejections) < IMPORT_REJECTIONS_KEPT:
            job.rejections.append({"path": relative, "reason": reason or "rejected"})
        if time.monotonic() - self.last_saved >= PROGRESS_EVERY_SECONDS:
            self.save()

    def stop(self) -> bool:
        return self.cancelled

    def save(self, **final: Any) -> None:
        """Writes the counts and the heartbeat (and `final` fields), reads the cancel flag and
        announces the job."""
        job = self.job
        job.heartbeat_at = timezone.now()
        for name, value in final.items():
            setattr(job, name, value)
        fields = ["total", "added", "skipped", "ignored", "rejected", "excluded", "rejections"]
        ImportJob.objects.filter(pk=job.pk).update(
            heartbeat_at=job.heartbeat_at,
            **{name: getattr(job, name) for name in fields},
            **{name: value for name, value in final.items() if name not in fields},
        )
        self.cancelled = ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists()
        self.last_saved = time.monotonic()
        _announce(job)


def run(job_id: int) -> None:
    """The worker's side: walks the folder, registering as `import_media` does, and ends the
    job done, cancelled or failed with the reason."""
    job = _claim(job_id)
    if job is None:
        logger.info("import %s: not queued any more; nothing to do", job_id)
        return
    progress = _Progress(job)
    try:
        roots = [resolve_import_root(job.path)]
        progress.save(total=count_files(roots, job.exclude))
        import_media(
            roots,
            excludes=job.exclude,
            process=job.process,
            notify=progress.notify,
            stop=progress.stop,
            audit_as=AuditedAs(
                f"import {job.pk}",
                job.created_by.get_username() if job.created_by else "import",
                {"import_id": job.pk},
            ),
        )
    except ImportPathError as exc:
        progress.save(status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now())
        return
    except Exception as exc:
        logger.exception("import %s failed", job_id)
        progress.save(
            status=ImportStatus.FAILED,
            error=f"Internal error while importing ({type(exc).__name__}); see the worker's log",
            finished_at=timezone.now(),
        )
        return
    progress.save(
        status=ImportStatus.CANCELLED if progress.cancelled else ImportStatus.DONE,
        finished_at=timezone.now(),
    )


def reconcile_lost(*, requeue: Callable[[int], None]) -> tuple[int, int]:
    """Starts again the jobs a dead worker or a lost message left behind, or fails them after
    MAX_ATTEMPTS runs; returns (started again, failed)."""
    now = timezone.now()
    lost = ImportJob.objects.filter(
        Q(status=ImportStatus.RUNNING, heartbeat_at__lt=now - timedelta(seconds=LOST_AFTER_SECONDS))
        | Q(
            status=ImportStatus.QUEUED,
            heartbeat_at__lt=now - timedelta(seconds=UNCLAIMED_AFTER_SECONDS),
        )
    )
    restarted = failed = 0
    for job in lost:
        if job.cancel_requested:
            changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.CANCELLED, finished_at=now
            )
        elif job.attempts >= MAX_ATTEMPTS:
            changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.FAILED,
                error=f"The import stopped {job.attempts} times (its worker was lost)",
                finished_at=now,
            )
            failed += changed
        else:
            changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportStatus.QUEUED, heartbeat_at=now
            )
            if changed:
                requeue(job.pk)
                restarted += 1
        if changed:
            _announce(get(job.pk))
    return restarted, failed


# The most subfolders one listing shows.
MAX_FOLDERS = 1000


@dataclass(frozen=True)
class FolderListing:
    path: str  # relative to the media folder; "" is the media folder
    parent: str | None  # None for the media folder itself
    folders: list[dict[str, str]]  # {"name", "path"}, by name
    truncated: bool


def list_folders(raw: str) -> FolderListing:
    """The subfolders of a folder inside the media folder, for choosing what to import: the
    same path checks as an import, directory symlinks and hidden folders left out (the walk
    does not follow the first, and the second hold partial uploads and the like)."""
    try:
        root = resolve_import_root(raw)
    except ImportPathError as exc:
        raise InvalidInput(str(exc), path=raw) from None
    if not root.is_dir():
        raise InvalidInput(f"{raw}: not a folder", path=raw)
    base = Config.MEDIA_BASE_PATH.resolve()
    relative = "" if root == base else relative_to_base(root)
    names: list[str] = []
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                    continue
                try:
                    entry.name.encode("utf-8")
                except UnicodeEncodeError:
                    continue  # not valid UTF-8: its files could not be registered either
                names.append(entry.name)
    except OSError as exc:
        raise InvalidInput(f"{raw}: cannot be read ({exc.strerror})", path=raw) from None
    names.sort(key=lambda name: (name.casefold(), name))
    shown = names[:MAX_FOLDERS]
    return FolderListing(
        path=relative,
        parent=None if not relative else relative.rpartition("/")[0],
        folders=[{"name": n, "path": f"{relative}/{n}" if relative else n} for n in shown],
        truncated=len(names) > MAX_FOLDERS,
    )
