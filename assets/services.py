"""The request side: register, upload, rename, delete and reprocess assets. What the API, the
admin and the commands all call, so the rules (path safety, dedupe, enqueue after commit) hold
everywhere. The worker side is assets.jobs.worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.fields import DateTimeField

from assets.ingest.errors import FileRejected
from assets.ingest.paths import MediaFile, inspect_file, stored_file_path, validate_media_path
from assets.ingest.uploads import store_upload
from assets.jobs.renditions import remove_rendition_file, rendition_files
from assets.jobs.tasks import enqueue_processing
from assets.library import dates
from assets.models import Asset, AssetStatus, ProcessingStage
from assets.realtime.asset_events import (
    announce_changed,
    announce_changed_many,
    announce_created,
    announce_deleted,
)
from mam.errors import Conflict, NotFound

logger = logging.getLogger("mam.assets")


def _title_for(relative_path: str, title: str | None) -> str:
    cleaned = (title or "").strip()
    return cleaned[:255] if cleaned else Path(relative_path).stem[:255] or relative_path[:255]


def asset_from_media(media: MediaFile, title: str | None = None) -> Asset:
    """An unsaved Asset for a validated file (shared by register, upload and bulk import)."""
    return Asset(
        title=_title_for(media.relative_path, title),
        file_path=media.relative_path,
        media_type=media.format.kind,
        mime_type=media.format.mime_type,
        file_size=media.size,
        file_mtime_ns=media.mtime_ns,
        captured_at=dates.from_mtime(media.mtime_ns),  # until processing reads the file's own
    )


def get_asset(asset_id: int) -> Asset:
    try:
        return Asset.objects.get(pk=asset_id)
    except Asset.DoesNotExist:
        raise NotFound("Asset not found", asset_id=asset_id) from None


def _save_new(asset: Asset, raw_path: str) -> Asset:
    """Saves, announces and enqueues one new asset; the unique file_path is the duplicate
    check."""
    try:
        with transaction.atomic():
            asset.save()
            announce_created([asset])
            enqueue_processing([asset.pk])
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


def register_many(media_files: Sequence[MediaFile], *, enqueue: bool = True) -> list[Asset]:
    """Registers many validated files with one INSERT; returns the assets it created.

    Paths already registered are left alone: the unique file_path is the check, so a batch
    costs no extra query. The new assets are announced and their processing enqueued after
    commit, one round of each per batch.
    """
    new = [asset_from_media(m) for m in {m.relative_path: m for m in media_files}.values()]
    if not new:
        return []
    if not enqueue:  # waiting for `reprocess`, not lost: the reconciler leaves these alone
        for asset in new:
            asset.processing_stage = ProcessingStage.NOT_QUEUED
    try:
        with transaction.atomic():
            created = Asset.objects.bulk_create(new)
            announce_created(created)
            if enqueue:
                enqueue_processing([a.pk for a in created])
    except IntegrityError:
        # Some are registered already (or were, by someone else, meanwhile): one at a time.
        created = []
        with transaction.atomic():
            for asset in new:
                asset.pk = None
                try:
                    with transaction.atomic():
                        asset.save()
                except IntegrityError:
                    continue
                created.append(asset)
            announce_created(created)
            if enqueue and created:
                enqueue_processing([a.pk for a in created])
    if created:
        logger.info("registered %s assets in bulk", len(created))
    return created


def upload_asset(*, uploaded: UploadedFile, title: str | None = None) -> Asset:
    """Stores an uploaded file under MEDIA_BASE_PATH/uploads/ and registers it."""
    original = uploaded.name or "upload"
    return register_stored_upload(store_upload(uploaded), original, title)


def register_stored_upload(destination: Path, original: str, title: str | None = None) -> Asset:
    """Registers a file just stored in the uploads folder; removes it when it is refused."""
    try:
        media = inspect_file(destination, raw=original)
        return _save_new(asset_from_media(media, title or Path(original).stem), original)
    except BaseException:
        destination.unlink(missing_ok=True)
        logger.info("removed rejected upload %s", destination.name)
        raise


def rename_asset(*, asset_id: int, title: str) -> Asset:
    """Renames the asset; every open library hears of it (`asset_update`) after commit."""
    asset = get_asset(asset_id)
    before = asset.title
    asset.title = title.strip()[:255]
    with transaction.atomic():
        asset.save(update_fields=["title", "updated_at"])
        if asset.title != before:
            announce_changed(asset.pk, title=asset.title)
    return asset


def _remove_renditions(names: list[str]) -> None:
    for name in names:
        remove_rendition_file(name)


def delete_asset(*, asset_id: int) -> None:
    """Removes the record and its renditions (thumbnail, preview) unless another asset made
    from the same file shows them; never the original media file. Every open library hears
    of it (`asset_deleted`) after commit."""
    asset = get_asset(asset_id)
    names = list(rendition_files(asset.media_metadata).values())
    shared = bool(asset.checksum) and (
        Asset.objects.filter(checksum=asset.checksum).exclude(pk=asset.pk).exists()
    )
    with transaction.atomic():
        asset.delete()
        announce_deleted([asset_id])
        if names and not shared:
            transaction.on_commit(lambda: _remove_renditions(names))
    logger.info("deleted asset %s (%s); original file kept", asset_id, asset.file_path)


def reprocess_asset(*, asset_id: int) -> Asset:
    """Re-reads the file as it is now and runs metadata and thumbnails again."""
    return reprocess_assets([get_asset(asset_id)])[0]


def reprocess_assets(assets: Iterable[Asset]) -> list[Asset]:
    done = [_reset_for_processing(asset) for asset in assets]
    with transaction.atomic():
        for asset in done:
            asset.save()
        enqueue_processing([a.pk for a in done])
    return done


def _reset_for_processing(asset: Asset) -> Asset:
    try:
        st = stored_file_path(asset.file_path).stat()
        asset.file_size, asset.file_mtime_ns = st.st_size, st.st_mtime_ns
    except (FileRejected, OSError):
        pass  # processing will fail with a clear reason
    asset.status = AssetStatus.PENDING
    asset.processing_stage = ProcessingStage.QUEUED
    asset.processing_progress = 0
    asset.processing_error = ""
    asset.processing_attempts = 0
    return asset


# Ids per UPDATE: well under any database's limit on bound parameters.
_UPDATE_BATCH = 1000


def _shown_time(value: datetime | None) -> str | None:
    """A timestamp as the API's JSON shows it (the same text an asset_update carries)."""
    return DateTimeField().to_representation(value) if value is not None else None


def _set_missing_since(asset_ids: Sequence[int], missing: bool) -> list[int]:
    ids = list(asset_ids)
    when = timezone.now() if missing else None
    changed: list[int] = []
    with transaction.atomic():
        for start in range(0, len(ids), _UPDATE_BATCH):
            rows = Asset.objects.filter(
                pk__in=ids[start : start + _UPDATE_BATCH], missing_since__isnull=missing
            )
            batch = list(rows.values_list("pk", flat=True))
            Asset.objects.filter(pk__in=batch).update(missing_since=when, updated_at=timezone.now())
            changed += batch
        shown = _shown_time(when)
        announce_changed_many({pk: {"missing_since": shown} for pk in changed})
    return changed


def mark_missing(asset_ids: Sequence[int]) -> list[int]:
    """These assets' files are gone: each keeps its record, tags and collections (a network
    mount may come back, a file be restored) with `missing_since` set, and every open
    library hears of it. Returns the ids that were not already missing."""
    changed = _set_missing_since(asset_ids, True)
    if changed:
        logger.info("%s assets marked missing", len(changed))
    return changed


def mark_found(asset_ids: Sequence[int]) -> list[int]:
    """These assets' files are back: `missing_since` cleared, announced. Returns the ids
    that were missing."""
    changed = _set_missing_since(asset_ids, False)
    if changed:
        logger.info("%s missing assets found again", len(changed))
    return changed


def reprocess_changed(assets: Sequence[Asset]) -> list[Asset]:
    """Files rewritten in place (their size or mtime differ from the record): processed
    again from scratch, as `reprocess` does, with the new size stored and announced (and a
    missing file that came back as another version no longer missing)."""
    if not assets:
        return []
    with transaction.atomic():
        for asset in assets:
            asset.missing_since = None
        done = reprocess_assets(assets)
        announce_changed_many(
            {a.pk: {"file_size": a.file_size, "missing_since": None} for a in done}
        )
    logger.info("%s changed files queued for processing again", len(done))
    return done


def relocate_asset(*, asset_id: int, file_path: str) -> Asset:
    """The asset's file was moved or renamed inside the media folder: the record follows it
    (its tags, collections and renditions stay), announced as an asset_update. A title that
    was the old file name's follows too; one given by hand is kept."""
    asset = get_asset(asset_id)
    before = asset.file_path
    asset.file_path = file_path
    if asset.title == _title_for(before, None):
        asset.title = _title_for(file_path, None)
    asset.missing_since = None
    with transaction.atomic():
        asset.save(update_fields=["file_path", "title", "missing_since", "updated_at"])
        announce_changed(asset.pk, file_path=asset.file_path, title=asset.title, missing_since=None)
    logger.info("asset %s moved: %s -> %s", asset.pk, before, file_path)
    return asset
