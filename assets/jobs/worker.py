"""The worker side: claim an asset, run the pipeline stage by stage, store the result, and
publish every step; mark failures; the reconciler that re-queues lost work.

What the Celery tasks (assets.jobs.tasks) call. The decoding itself is in processing/, which
knows nothing of Django; this module is where its results meet the database and the events.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from assets import metrics, selectors
from assets.ingest.errors import FileMissing, FileRejected
from assets.ingest.mediatypes import format_for_name, mime_type_of
from assets.ingest.paths import stored_file_path
from assets.jobs import leases
from assets.jobs.processing.decoders import DecoderLimits
from assets.jobs.processing.errors import FileChanged, ProcessingError, TransientProcessingError
from assets.jobs.processing.pipeline import ProcessingResult, SourceFile, Stage, process_file
from assets.jobs.renditions import remove_rendition_file, rendition_files
from assets.library import dates, tags
from assets.library.media_columns import media_columns
from assets.models import Asset, AssetStatus, ProcessingStage, tag_key, thumbnail_url_for
from assets.realtime import events
from mam.config import Config

logger = logging.getLogger("mam.assets")

CLAIMED_PROGRESS = 5
RECONCILE_BATCH = 500


# Kept back from the task's soft time limit when a transcode may run up to it: storing the
# result and announcing it.
STORE_MARGIN_SECONDS = 30


def decoder_limits() -> DecoderLimits:
    return DecoderLimits(
        timeout=float(Config.DECODER_TIMEOUT),
        memory_bytes=Config.DECODER_MEMORY_BYTES,
        max_image_pixels=Config.MAX_IMAGE_PIXELS,
        ffmpeg=Config.FFMPEG_BINARY,
        ffprobe=Config.FFPROBE_BINARY,
    )


class StageReporter:
    """Stores and publishes each stage the pipeline enters, and times it for /metrics."""

    def __init__(self, asset_id: int, media_type: str) -> None:
        self.asset_id = asset_id
        self.stage = ProcessingStage.VALIDATE
        self.timer = metrics.StageTimer(media_type)
        self.timer.enter(self.stage)

    def __call__(self, stage: Stage, progress: int) -> None:
        self.stage = ProcessingStage(stage.value)
        self.timer.enter(self.stage)
        Asset.objects.filter(pk=self.asset_id).update(
            processing_stage=self.stage, processing_progress=progress, updated_at=timezone.now()
        )
        events.publish_processing_update(
            asset_id=self.asset_id,
            status=AssetStatus.PROCESSING,
            stage=self.stage,
            progress=progress,
        )


def _claim(asset_id: int) -> Asset | None:
    """Marks the asset as processing; None when there is nothing to do (gone or done)."""
    with transaction.atomic():
        asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            logger.info("asset %s was deleted before processing", asset_id)
            return None
        thumbnail = asset.thumbnail_name
        if (
            asset.status == AssetStatus.READY
            and thumbnail
            and (Config.THUMBNAIL_DIR / thumbnail).exists()
        ):
            return None  # a duplicate delivery of finished work: idempotent no-op
        # Every earlier attempt died mid-way (worker killed, out of memory): stop here.
        give_up = asset.processing_attempts >= Config.MAX_ATTEMPTS
        last_error = asset.processing_error
        asset.status = AssetStatus.PROCESSING
        asset.processing_stage = ProcessingStage.VALIDATE
        asset.processing_progress = CLAIMED_PROGRESS
        asset.processing_error = ""
        asset.processing_attempts += 1
        asset.processing_started_at = timezone.now()
        if not give_up:
            asset.save()
    if give_up:
        mark_failed(
            asset_id=asset_id,
            reason=f"Processing was interrupted {asset.processing_attempts - 1} times; giving up"
            + (f" (last error: {last_error})" if last_error else ""),
            reason_class="interrupted",
        )
        return None
    events.publish_processing_update(
        asset_id=asset_id,
        status=AssetStatus.PROCESSING,
        stage=ProcessingStage.VALIDATE,
        progress=CLAIMED_PROGRESS,
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


def _source_of(asset: Asset) -> SourceFile:
    """The asset's file as the pipeline takes it; FileRejected when it is gone or unsafe."""
    fmt = format_for_name(asset.file_path)
    return SourceFile(
        path=stored_file_path(asset.file_path),
        kind=fmt.kind,
        pillow_format=fmt.pillow_format,
        ffmpeg_demuxer=fmt.ffmpeg_demuxer,
        expected_size=asset.file_size,
        expected_mtime_ns=asset.file_mtime_ns or None,
    )


def process_asset(asset_id: int) -> None:
    """Runs the pipeline for one asset; idempotent, no transaction held while decoders run.

    The worker holds the asset's lease throughout: a second delivery while it runs (a
    re-queue, a redelivery) raises LeaseHeld instead of processing the asset at the same
    time, and the task tries again once the lease can have expired (its holder may be dead).
    Permanent failures (bad or changed file) end in `failed` here. Transient ones are raised
    as TransientProcessingError for the task to retry; the task marks the asset failed when
    its retries run out.
    """
    with leases.lease(asset_id):
        _process(asset_id)


def _process(asset_id: int) -> None:
    asset = _claim(asset_id)
    if asset is None:
        return
    started = time.monotonic()
    try:
        source = _source_of(asset)
    except FileRejected as exc:
        reason = "The file no longer exists" if isinstance(exc, FileMissing) else exc.message
        mark_failed(
            asset_id=asset_id,
            reason=reason,
            stage=ProcessingStage.VALIDATE,
            reason_class=FileChanged.reason_class,
        )
        return
    report = StageReporter(asset_id, asset.media_type)
    try:
        # A proxy's transcode may use what the task's time limit leaves, less the time to
        # store the result: a video longer than a couple of minutes outlasts DECODER_TIMEOUT.
        limits = dataclasses.replace(
            decoder_limits(),
            transcode_deadline=started + Config.TASK_SOFT_TIME_LIMIT - STORE_MARGIN_SECONDS,
        )
        result = process_file(source, Config.THUMBNAIL_DIR, limits, report)
    except TransientProcessingError as exc:
        # Kept for the record: if the retries run out, the reason says what went wrong.
        Asset.objects.filter(pk=asset_id).update(processing_error=str(exc)[:1000])
        raise
    except ProcessingError as exc:
        if not isinstance(exc, FileChanged):
            logger.error("processing asset %s failed", asset_id, exc_info=True)
        mark_failed(
            asset_id=asset_id, reason=str(exc), stage=report.stage, reason_class=exc.reason_class
        )
        return
    if not _store_result(asset_id, result, asset.file_mtime_ns, asset.mime_type):
        logger.info("asset %s was deleted while processing", asset_id)
        _remove_unshown_renditions(asset_id, result)
        return
    for rendition, reason in result.missing.items():
        logger.warning("asset %s is ready without its %s: %s", asset_id, rendition, reason)
    _remove_superseded_renditions(asset, result)
    # The file's keywords become tags once: those an earlier processing already read (and
    # someone may since have removed as tags) are not added again by a reprocess.
    read_before = {tag_key(k) for k in (asset.media_metadata or {}).get("keywords") or []}
    keywords = [k for k in result.metadata.get("keywords") or [] if tag_key(k) not in read_before]
    if keywords:
        tags.add_keywords(asset_id=asset_id, keywords=keywords)
    logger.info(
        "processed asset %s (%s) in %.3fs; wrote thumbnail %s",
        asset_id,
        asset.file_path,
        time.monotonic() - started,
        result.thumbnail.name,
    )
    # Timed as what the file turned out to be (an .mp4 of sound alone is audio).
    report.timer.media_type = result.kind or asset.media_type
    report.timer.finish()
    events.publish_processing_update(
        asset_id=asset_id,
        status=AssetStatus.READY,
        stage=ProcessingStage.DONE,
        progress=100,
        thumbnail_url=thumbnail_url_for(result.thumbnail.name),
    )


def _rendition_metadata(result: ProcessingResult) -> dict[str, Any]:
    """What media_metadata says of the renditions. No preview_url: the original is what to
    show (it is no larger than a preview), or, when `renditions_missing` names the preview,
    it failed. A video or a sound says whether a browser plays it as it is
    (`browser_playable`); no
    proxy_url then means the player uses /content, or, when `renditions_missing` names the
    proxy, that nothing playable exists. `renditions_missing` maps each failed rendition to
    why."""
    metadata: dict[str, Any] = {
        "thumbnail_url": thumbnail_url_for(result.thumbnail.name),
        "thumbnail_width": result.thumbnail.width,
        "thumbnail_height": result.thumbnail.height,
    }
    if result.preview is not None:
        metadata["preview_url"] = thumbnail_url_for(result.preview.name)
        metadata["preview_width"] = result.preview.width
        metadata["preview_height"] = result.preview.height
    if result.blurhash:
        metadata["blurhash"] = result.blurhash
    if result.browser_playable is not None:
        metadata["browser_playable"] = result.browser_playable
    if result.proxy is not None:
        metadata["proxy_url"] = thumbnail_url_for(result.proxy.name)
    if result.scrub is not None:
        # The sprite it points at goes with it (renditions.companion_files).
        metadata["scrub_vtt_url"] = thumbnail_url_for(result.scrub.vtt_name)
    if result.missing:
        metadata["renditions_missing"] = dict(result.missing)
    return metadata


def _store_result(
    asset_id: int, result: ProcessingResult, mtime_ns: int = 0, mime_type: str = ""
) -> bool:
    """Marks the asset ready with its metadata, and the columns the list filters by copied out
    of it (a reprocess rewrites them all), and its media type as processing found it (an .mp4
    or .mov with sound and no picture is registered as a video and stored as audio/mp4
    audio); False when it was deleted meanwhile."""
    now = timezone.now()
    metadata = {**result.metadata, **_rendition_metadata(result)}
    updated = Asset.objects.filter(pk=asset_id).update(
        captured_at=dates.captured_at(metadata, mtime_ns or time.time_ns()),
        **media_columns(result.metadata),
        **_kind_columns(result.kind, mime_type),
        status=AssetStatus.READY,
        processing_stage=ProcessingStage.DONE,
        processing_progress=100,
        processing_error="",
        checksum=result.checksum,
        # What GET /assets/<id>/similar and the duplicates page's "look alike" groups compare.
        perceptual_hash=result.perceptual_hash,
        media_metadata=metadata,
        processed_at=now,
        updated_at=now,
    )
    return bool(updated)


def _kind_columns(kind: str | None, mime_type: str) -> dict[str, str]:
    """The media type and MIME type as processing found the file to be, as `update()`
    keywords; nothing when it did not say."""
    if not kind:
        return {}
    return {
        "media_type": kind,
        **({"mime_type": mime_type_of(kind, mime_type)} if mime_type else {}),
    }


def _written_renditions(result: ProcessingResult) -> list[str]:
    """The files the result shows (a scrub strip by its VTT, which brings its sprite)."""
    files = [result.thumbnail.name]
    if result.preview is not None:
        files.append(result.preview.name)
    if result.proxy is not None:
        files.append(result.proxy.name)
    if result.scrub is not None:
        files.append(result.scrub.vtt_name)
    return files


def _remove_superseded_renditions(before: Asset, result: ProcessingResult) -> None:
    """After a reprocess, each rendition file the asset showed before and does not show now
    (an older rendering version, a changed file, a preview or proxy that failed this time, a
    proxy the original no longer needs) is deleted, unless another asset still shows it."""
    current = set(_written_renditions(result))
    for key, old in rendition_files(before.media_metadata).items():
        if old in current:
            continue
        still_shown = (
            Asset.objects.filter(
                checksum=before.checksum, **{f"media_metadata__{key}": thumbnail_url_for(old)}
            )
            .exclude(pk=before.pk)
            .exists()
        )
        if not still_shown:
            logger.info("removing superseded rendition %s", old)
            remove_rendition_file(old)


def _remove_unshown_renditions(asset_id: int, result: ProcessingResult) -> None:
    """The renditions just written for an asset deleted meanwhile, unless another asset
    made from the same file shows them."""
    if Asset.objects.filter(checksum=result.checksum).exclude(pk=asset_id).exists():
        return
    for name in _written_renditions(result):
        remove_rendition_file(name)


def reconcile_stuck_assets(
    *,
    older_than_seconds: int,
    requeue: Callable[[list[int]], None],
    batch_size: int = RECONCILE_BATCH,
) -> tuple[int, int]:
    """Re-queues assets stuck in pending/processing; fails those past the attempt cap.

    Neither the broker nor the channel layer guarantees delivery; the database does. An
    asset whose task is still in the broker, or that a live worker holds the lease of, is
    not stuck however old its row: it is left alone. Works through the backlog in batches,
    never holding it all. `requeue` sends the ids' tasks
    (assets.jobs.tasks.enqueue_processing). Returns (re-queued, failed).
    """
    requeued = failed = 0
    for batch in selectors.stuck_asset_batches(
        older_than_seconds=older_than_seconds, batch_size=batch_size
    ):
        alive = leases.busy([a.pk for a in batch])
        again = []
        for asset in batch:
            if asset.pk in alive:
                continue
            if asset.processing_attempts >= Config.MAX_ATTEMPTS:
                mark_failed(
                    asset_id=asset.pk,
                    reason=f"Processing did not finish after {asset.processing_attempts} attempts",
                    reason_class="interrupted",
                )
                failed += 1
            else:
                again.append(asset.pk)
        if again:
            # Touch them so the next reconciler run does not re-queue them before they start.
            Asset.objects.filter(pk__in=again).update(updated_at=timezone.now())
            requeue(again)
            requeued += len(again)
    return requeued, failed
