"""Register, upload, rename, delete, reprocess and process assets: what the API, admin and
commands all call, so the rules (path safety, dedupe, enqueue after commit) hold everywhere."""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from assets import events, metrics, selectors
from assets.mediatypes import UnsupportedType, format_for_name
from assets.models import Asset, AssetStatus, ProcessingStage
from assets.paths import (
    MediaFile,
    inspect_file,
    resolve_inside_base,
    safe_upload_name,
    validate_media_path,
)
from assets.processing.errors import FileChanged, ProcessingError, TransientProcessingError
from assets.processing.metadata import DecoderLimits
from assets.processing.pipeline import SourceFile, process_file
from mam.config import Config
from mam.errors import Conflict, InvalidInput, NotFound

logger = logging.getLogger("mam.assets")


def _title_for(relative_path: str, title: str | None) -> str:
    cleaned = (title or "").strip()
    return cleaned[:255] if cleaned else Path(relative_path).stem[:255] or relative_path[:255]


def asset_from_media(media: MediaFile, title: str | None = None) -> Asset:
    """An unsaved Asset for a validated file (shared by register, upload and bulk import)."""
    return Asset(
        title=_title_for(media.relative_path, title),
        file_path=media.relative_path,
        media_type=media.format.kind.value,
        mime_type=media.format.mime_type,
        file_size=media.size,
        file_mtime_ns=media.mtime_ns,
    )


def get_asset(asset_id: int) -> Asset:
    try:
        return Asset.objects.get(pk=asset_id)
    except Asset.DoesNotExist:
        raise NotFound("Asset not found", asset_id=asset_id) from None


def _save_new(asset: Asset, raw_path: str) -> Asset:
    existing = Asset.objects.filter(file_path=asset.file_path).values_list("pk", flat=True).first()
    if existing is not None:
        raise Conflict("File is already registered", file_path=raw_path, asset_id=existing)
    try:
        with transaction.atomic():
            asset.save()
            transaction.on_commit(lambda: enqueue_processing([asset.pk]))
    except IntegrityError:
        existing = (
            Asset.objects.filter(file_path=asset.file_path).values_list("pk", flat=True).first()
        )
        raise Conflict(
            "File is already registered", file_path=raw_path, asset_id=existing
        ) from None
    logger.info("registered asset %s: %s", asset.pk, asset.file_path)
    return asset


def register_asset(*, file_path: str, title: str | None = None) -> Asset:
    """Registers an existing file under MEDIA_BASE_PATH and enqueues its processing."""
    media = validate_media_path(file_path)
    return _save_new(asset_from_media(media, title), file_path)


def register_many(media_files: Sequence[MediaFile], *, enqueue: bool = True) -> list[int]:
    """Registers many validated files with one INSERT; paths already registered are left alone.

    Returns the ids of the assets created. Processing is enqueued after commit (bulk import
    calls this once per batch, so a batch is one transaction and one round of enqueueing).
    """
    unique = {m.relative_path: m for m in media_files}
    existing = selectors.registered_paths(list(unique))
    new = [asset_from_media(m) for path, m in unique.items() if path not in existing]
    if not new:
        return []
    try:
        with transaction.atomic():
            created = Asset.objects.bulk_create(new)
            ids = [a.pk for a in created]
            if any(pk is None for pk in ids):  # a backend that cannot return ids
                ids = list(
                    Asset.objects.filter(file_path__in=[a.file_path for a in new]).values_list(
                        "pk", flat=True
                    )
                )
            if enqueue:
                transaction.on_commit(lambda: enqueue_processing(ids))
    except IntegrityError:
        # Some were registered by someone else since the check: one by one for this batch.
        ids = []
        for asset in new:
            asset.pk = None
            try:
                with transaction.atomic():
                    asset.save()
            except IntegrityError:
                continue
            ids.append(asset.pk)
        if enqueue and ids:
            enqueue_processing(ids)
    if ids:
        logger.info("registered %s assets in bulk (ids %s..%s)", len(ids), min(ids), max(ids))
    return ids


def _unique_destination(directory: Path, name: str) -> tuple[Path, int]:
    """Creates an empty file with a unique name (O_EXCL: no race can overwrite another)."""
    stem, dot, suffix = name.rpartition(".")
    for attempt in range(100):
        candidate = name if attempt == 0 else f"{stem}-{secrets.token_hex(4)}{dot}{suffix}"
        path = directory / candidate
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        return path, fd
    raise InvalidInput("Could not find a free name for the upload", file_path=name)


def upload_asset(*, uploaded: UploadedFile, title: str | None = None) -> Asset:
    """Stores an uploaded file under MEDIA_BASE_PATH/uploads/ and registers it."""
    original = uploaded.name or "upload"
    name = safe_upload_name(original)
    try:
        format_for_name(name)
    except UnsupportedType as exc:
        raise InvalidInput(str(exc), file_path=original) from None
    directory = Config.MEDIA_BASE_PATH / Config.UPLOAD_SUBDIR
    directory.mkdir(parents=True, exist_ok=True)
    destination, fd = _unique_destination(directory, name)
    try:
        if isinstance(uploaded, TemporaryUploadedFile):
            # Already streamed to disk beside the destination: a rename, not a copy.
            os.close(fd)
            os.replace(uploaded.temporary_file_path(), destination)
        else:
            with os.fdopen(fd, "wb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
        logger.info("stored upload %r as %s (%s bytes)", original, destination.name, uploaded.size)
        media = inspect_file(destination, raw=original)
        return _save_new(asset_from_media(media, title or Path(original).stem), original)
    except BaseException:
        destination.unlink(missing_ok=True)
        logger.info("removed rejected upload %s", destination.name)
        raise


def rename_asset(*, asset_id: int, title: str) -> Asset:
    asset = get_asset(asset_id)
    asset.title = title.strip()[:255]
    asset.save(update_fields=["title", "updated_at"])
    return asset


def _remove_derivatives(thumbnail_names: Iterable[str]) -> None:
    for name in thumbnail_names:
        path = Config.THUMBNAIL_DIR / name
        try:
            path.unlink()
            logger.info("deleted thumbnail %s", name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not delete thumbnail %s: %s", name, exc)


def _thumbnail_names(asset: Asset) -> list[str]:
    names = []
    for key in ("thumbnail_url", "preview_url"):
        url = asset.media_metadata.get(key)
        if isinstance(url, str) and url.startswith("/thumbnails/"):
            names.append(url.removeprefix("/thumbnails/"))
    return names


def delete_asset(*, asset_id: int) -> None:
    """Removes the record and its thumbnails (unless another asset shares them); never the
    original media file."""
    asset = get_asset(asset_id)
    names = _thumbnail_names(asset)
    shared = bool(asset.checksum) and (
        Asset.objects.filter(checksum=asset.checksum).exclude(pk=asset.pk).exists()
    )
    with transaction.atomic():
        asset.delete()
        if names and not shared:
            transaction.on_commit(lambda: _remove_derivatives(names))
    logger.info("deleted asset %s (%s); original file kept", asset_id, asset.file_path)


def reprocess_asset(*, asset_id: int) -> Asset:
    """Re-reads the file as it is now and runs metadata and thumbnails again."""
    asset = get_asset(asset_id)
    return reprocess_assets([asset])[0]


def reprocess_assets(assets: Iterable[Asset]) -> list[Asset]:
    done = []
    for asset in assets:
        _reset_for_processing(asset)
        done.append(asset)
    with transaction.atomic():
        for asset in done:
            asset.save()
        ids = [a.pk for a in done]
        transaction.on_commit(lambda: enqueue_processing(ids))
    return done


def _reset_for_processing(asset: Asset) -> None:
    try:
        path = resolve_inside_base(asset.file_path, asset.file_path)
        st = path.stat()
        asset.file_size, asset.file_mtime_ns = st.st_size, st.st_mtime_ns
    except (InvalidInput, OSError):
        pass  # processing will fail with a clear reason
    asset.status = AssetStatus.PENDING
    asset.processing_stage = ProcessingStage.QUEUED
    asset.processing_progress = 0
    asset.processing_error = ""
    asset.processing_attempts = 0


def enqueue_processing(asset_ids: list[int]) -> None:
    """Sends one processing task per asset, and tells clients they are queued.

    Called after commit only: a worker must never look for a row that isn't there yet.
    """
    from assets.tasks import process_asset_task  # tasks import services; avoid the cycle

    for asset_id in asset_ids:
        # Announce before sending: a fast worker's first update must get a later seq than
        # "queued", or a client applying updates in order would end on "pending".
        events.publish_processing_update(
            asset_id=asset_id, status=AssetStatus.PENDING, stage=ProcessingStage.QUEUED, progress=0
        )
        try:
            process_asset_task.delay(asset_id)
        except Exception as exc:  # broker down: the reconciler re-enqueues pending assets
            logger.warning("could not enqueue asset %s: %s", asset_id, exc)


def decoder_limits() -> DecoderLimits:
    return DecoderLimits(
        timeout=float(Config.DECODER_TIMEOUT),
        memory_bytes=Config.DECODER_MEMORY_BYTES,
        max_image_pixels=Config.MAX_IMAGE_PIXELS,
        ffmpeg=Config.FFMPEG_BINARY,
        ffprobe=Config.FFPROBE_BINARY,
    )


def _set_stage(asset_id: int, stage: str, progress: int) -> None:
    Asset.objects.filter(pk=asset_id).update(
        processing_stage=stage, processing_progress=progress, updated_at=timezone.now()
    )
    events.publish_processing_update(
        asset_id=asset_id, status=AssetStatus.PROCESSING, stage=stage, progress=progress
    )


def _claim(asset_id: int) -> Asset | None:
    """Marks the asset as processing; None when there is nothing to do (gone or done)."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            logger.info("asset %s was deleted before processing", asset_id)
            return None
        thumb = asset.thumbnail_url
        if (
            asset.status == AssetStatus.READY
            and thumb
            and (Config.THUMBNAIL_DIR / thumb.removeprefix("/thumbnails/")).exists()
        ):
            return None  # a duplicate delivery of finished work: idempotent no-op
        # Every earlier attempt died mid-way (worker killed, out of memory): stop here.
        give_up = asset.processing_attempts >= Config.MAX_ATTEMPTS
        asset.status = AssetStatus.PROCESSING
        asset.processing_stage = ProcessingStage.VALIDATE
        asset.processing_progress = 5
        asset.processing_error = ""
        asset.processing_attempts += 1
        asset.processing_started_at = timezone.now()
        if not give_up:
            asset.save()
    if give_up:
        mark_failed(
            asset_id=asset_id,
            reason=f"Processing was interrupted {asset.processing_attempts - 1} times; giving up",
            reason_class="interrupted",
        )
        return None
    events.publish_processing_update(
        asset_id=asset_id, status=AssetStatus.PROCESSING, stage=ProcessingStage.VALIDATE, progress=5
    )
    return asset


def mark_failed(
    *, asset_id: int, reason: str, stage: str | None = None, reason_class: str = "error"
) -> None:
    """The end of every failure: a readable reason on the asset, and an event saying so.

    `reason_class` (ProcessingError.reason_class, or `interrupted`, `timeout`, `internal`)
    feeds the failures-by-reason metric.
    """
    asset = Asset.objects.filter(pk=asset_id).first()
    if asset is None:
        return
    metrics.record_failure(reason_class)
    stage = stage or asset.processing_stage
    Asset.objects.filter(pk=asset_id).update(
        status=AssetStatus.FAILED,
        processing_error=reason[:2000],
        processing_stage=stage,
        updated_at=timezone.now(),
    )
    events.publish_processing_update(
        asset_id=asset_id,
        status=AssetStatus.FAILED,
        stage=stage,
        progress=asset.processing_progress,
        error=reason,
    )


def process_asset(asset_id: int) -> None:
    """Runs the pipeline for one asset; idempotent, no transaction held while decoders run.

    Permanent failures (bad or changed file) end in `failed` here. Transient ones are raised
    as TransientProcessingError for the task to retry; the task marks the asset failed when
    its retries run out.
    """
    asset = _claim(asset_id)
    if asset is None:
        return
    started = time.monotonic()
    fmt = format_for_name(asset.file_path)
    try:
        path = resolve_inside_base(asset.file_path, asset.file_path)
    except InvalidInput as exc:
        reason = "The file no longer exists" if "not found" in exc.message else exc.message
        mark_failed(
            asset_id=asset_id,
            reason=reason,
            stage=ProcessingStage.VALIDATE,
            reason_class=FileChanged.reason_class,
        )
        return
    source = SourceFile(
        path=path,
        kind=fmt.kind.value,
        pillow_format=fmt.pillow_format,
        ffmpeg_demuxer=fmt.ffmpeg_demuxer,
        expected_size=asset.file_size,
        expected_mtime_ns=asset.file_mtime_ns or None,
    )
    stage = {"now": ProcessingStage.VALIDATE.value}
    timer = metrics.StageTimer(fmt.kind.value)
    timer.enter(ProcessingStage.VALIDATE.value)

    def report(name: str, progress: int) -> None:
        stage["now"] = name
        timer.enter(name)
        _set_stage(asset_id, name, progress)

    try:
        result = process_file(source, Config.THUMBNAIL_DIR, decoder_limits(), report)
    except TransientProcessingError:
        raise
    except ProcessingError as exc:
        if not isinstance(exc, FileChanged):
            logger.error("processing asset %s failed", asset_id, exc_info=True)
        mark_failed(
            asset_id=asset_id, reason=str(exc), stage=stage["now"], reason_class=exc.reason_class
        )
        return
    thumbnail_url = f"/thumbnails/{result.thumbnail.name}"
    metadata = {
        **result.metadata,
        "thumbnail_url": thumbnail_url,
        "thumbnail_width": result.thumbnail.width,
        "thumbnail_height": result.thumbnail.height,
    }
    updated = Asset.objects.filter(pk=asset_id).update(
        status=AssetStatus.READY,
        processing_stage=ProcessingStage.DONE,
        processing_progress=100,
        processing_error="",
        checksum=result.checksum,
        media_metadata=metadata,
        processed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    elapsed = time.monotonic() - started
    if not updated:
        logger.info("asset %s was deleted while processing", asset_id)
        return
    logger.info(
        "processed asset %s (%s) in %.3fs; wrote thumbnail %s",
        asset_id,
        asset.file_path,
        elapsed,
        result.thumbnail.name,
    )
    timer.finish()
    events.publish_processing_update(
        asset_id=asset_id,
        status=AssetStatus.READY,
        stage=ProcessingStage.DONE,
        progress=100,
        thumbnail_url=thumbnail_url,
    )


def absolute_path_of(asset: Asset) -> Path:
    """The file behind an asset, re-checked to be inside the media folder (for streaming)."""
    return resolve_inside_base(asset.file_path, asset.file_path)


def reconcile_stuck_assets(*, older_than_seconds: int) -> tuple[int, int]:
    """Re-enqueues assets stuck in pending/processing; fails those past the attempt cap.

    Neither the broker nor the channel layer guarantees delivery; the database does.
    Returns (re-enqueued, failed).
    """
    stuck = list(selectors.stuck_assets(older_than_seconds=older_than_seconds))
    requeue = [a.pk for a in stuck if a.processing_attempts < Config.MAX_ATTEMPTS]
    for asset in stuck:
        if asset.processing_attempts >= Config.MAX_ATTEMPTS:
            mark_failed(
                asset_id=asset.pk,
                reason=f"Processing did not finish after {asset.processing_attempts} attempts",
                reason_class="interrupted",
            )
    if requeue:
        # Touch them so the next reconciler run does not enqueue them again before they start.
        Asset.objects.filter(pk__in=requeue).update(updated_at=timezone.now())
        enqueue_processing(requeue)
    return len(requeue), len(stuck) - len(requeue)
