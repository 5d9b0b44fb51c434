"""The Asset: a registered media file, its processing state and its extracted metadata."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

THUMBNAIL_URL_PREFIX = "/thumbnails/"


class AssetStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ProcessingStage(models.TextChoices):
    # Registered without processing (import_media --no-process): left alone until reprocessed.
    NOT_QUEUED = "not_queued", "Not queued"
    QUEUED = "queued", "Queued"
    VALIDATE = "validate", "Validate"
    METADATA = "metadata", "Metadata"
    THUMBNAIL = "thumbnail", "Thumbnail"
    # The renditions made after the thumbnail, each reported as it starts (a failure leaves
    # the asset ready without it): an image's large preview, a video's scrub strip, and the
    # playable copy of a video the browser cannot play.
    PREVIEW = "preview", "Preview"
    SCRUB_STRIP = "scrub_strip", "Scrub strip"
    PROXY = "proxy", "Proxy"
    DONE = "done", "Done"


class MediaType(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"


def tag_key(name: str) -> str:
    """What makes two tag names the same tag: case folded (the same on every database)."""
    return name.casefold()


class Tag(models.Model):
    """A word or phrase people file assets under. Names are unique whatever their case; the
    first spelling written is kept."""

    name = models.CharField(max_length=64)
    key = models.CharField(max_length=192, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = tag_key(self.name)  # an invariant of the row, whoever writes it
        super().save(*args, **kwargs)


class Asset(models.Model):
    title = models.CharField(max_length=255)
    file_path = models.CharField(
        max_length=1024, unique=True, help_text="Relative to MEDIA_BASE_PATH, forward slashes."
    )
    media_type = models.CharField(max_length=8, choices=MediaType.choices)
    mime_type = models.CharField(max_length=64)
    file_size = models.BigIntegerField()
    # Identity of the file as registered: processing fails cleanly when it has changed since.
    file_mtime_ns = models.BigIntegerField(default=0)
    checksum = models.CharField(max_length=64, blank=True, default="", help_text="sha256, hex")

    status = models.CharField(
        max_length=16, choices=AssetStatus.choices, default=AssetStatus.PENDING
    )
    processing_stage = models.CharField(
        max_length=16, choices=ProcessingStage.choices, default=ProcessingStage.QUEUED
    )
    processing_progress = models.PositiveSmallIntegerField(default=0)
    processing_error = models.TextField(blank=True, default="")
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    media_metadata = models.JSONField(default=dict, blank=True)

    tags = models.ManyToManyField(Tag, related_name="assets", blank=True)
    # The tags' names, one per line, in order: what the list shows and search indexes, written
    # with the tags by assets.services.set_tags (no query per asset to show them).
    tag_names = models.TextField(blank=True, default="", editable=False)
    # The names of its collections, one per line, by name: what search indexes, written by
    # assets.library.collections whenever a membership or a name changes.
    collection_names = models.TextField(blank=True, default="", editable=False)

    # When the picture was taken: EXIF DateTimeOriginal (the camera's wall clock, read as
    # UTC), a video's creation_time, else the file's modification time (assets.library.dates).
    captured_at = models.DateTimeField(default=timezone.now)

    # Columns copied out of media_metadata by the worker, for the list's filters (JSON keys
    # cannot be indexed the same way on both databases). Null until processed.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(
        null=True, blank=True, help_text="seconds (a video or an animation)"
    )
    has_audio = models.BooleanField(null=True, blank=True)
    camera = models.CharField(max_length=120, blank=True, default="")

    # A 64-bit difference hash of the picture (of the poster frame for a video), as a signed
    # integer: near-duplicates are those a few bits apart (assets.library.similar).
    perceptual_hash = models.BigIntegerField(null=True, blank=True)

    # When the watcher (or a rescan) last found the file gone; null while it is there.
    missing_since = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Every filter and ordering of the list, with id last: the keyset cursor
        # (assets.api.pagination) continues from an index range whatever the depth.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="asset_created_idx"),
            models.Index(fields=["title", "id"], name="asset_title_id_idx"),
            models.Index(fields=["file_size", "id"], name="asset_size_id_idx"),
            models.Index(
                fields=["media_type", "-created_at", "-id"], name="asset_type_created_id_idx"
            ),
            models.Index(fields=["status", "-created_at", "-id"], name="asset_status_created_idx"),
            models.Index(fields=["mime_type", "-created_at", "-id"], name="asset_mime_created_idx"),
            models.Index(fields=["status", "updated_at"], name="asset_status_updated_idx"),
            models.Index(fields=["-captured_at", "-id"], name="asset_captured_idx"),
            models.Index(fields=["checksum"], name="asset_checksum_idx"),
            # The filters on the media columns (assets.api.filters). The camera is matched
            # in any case: the index holds it folded, as the filter compares it.
            models.Index(
                Lower("camera"), F("created_at").desc(), F("id").desc(), name="asset_camera_idx"
            ),
            # The camera facet counts each spelling from this one, never reading the rows.
            models.Index(fields=["camera"], name="asset_camera_name_idx"),
            models.Index(fields=["has_audio", "-created_at", "-id"], name="asset_audio_idx"),
            # Ranges: their counts read only the index; orientation compares width and height
            # in it without reading the rows.
            models.Index(fields=["width", "height", "id"], name="asset_width_idx"),
            models.Index(fields=["height", "id"], name="asset_height_idx"),
            models.Index(fields=["duration", "id"], name="asset_duration_idx"),
            # The facets and the timeline of a filter no other index narrows (orientation,
            # sizes, durations, sound) group the rows found by these: read from this index
            # alone. Without it SQLite walked the type index and read each row (530 ms at
            # 100,000 assets, against 25 ms so).
            models.Index(
                fields=[
                    "media_type",
                    "status",
                    "camera",
                    "captured_at",
                    "width",
                    "height",
                    "duration",
                    "has_audio",
                ],
                name="asset_facets_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.file_path})"

    @property
    def tag_list(self) -> list[str]:
        return self.tag_names.split("\n") if self.tag_names else []

    @property
    def thumbnail_url(self) -> str | None:
        url = self.media_metadata.get("thumbnail_url")
        return url if isinstance(url, str) else None

    @property
    def thumbnail_name(self) -> str | None:
        """The thumbnail's file name under THUMBNAIL_DIR, when it has one."""
        url = self.thumbnail_url
        return url.removeprefix(THUMBNAIL_URL_PREFIX) if url else None


class Collection(models.Model):
    """An album: assets gathered by hand. Removing one never removes its assets."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="", max_length=2000)
    # Chosen by hand; otherwise the collection shows the asset added first.
    cover = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assets: models.ManyToManyField[Asset, CollectionMembership] = models.ManyToManyField(
        Asset, through="CollectionMembership", related_name="collections", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="collection_updated_idx")]

    def __str__(self) -> str:
        return self.name


class CollectionMembership(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "asset"], name="collection_asset_once")
        ]
        indexes = [
            models.Index(fields=["asset", "collection"], name="membership_asset_idx"),
            models.Index(fields=["collection", "added_at", "id"], name="membership_added_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} in {self.collection_id}"


class SearchDocumentField(models.TextField):
    """A full-text indexed column: `document__match="<FTS5 query>"`."""


@SearchDocumentField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class AssetSearchEntry(models.Model):
    """An asset's row in SQLite's full-text index (assets.library.search), which triggers on
    the asset table keep in step. Read only; PostgreSQL has no such table (its index is a
    column of the asset table)."""

    asset = models.OneToOneField(
        Asset,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    document = SearchDocumentField()
    # FTS5's bm25 score of the current MATCH: lower is a better match.
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "assets_search"

    def __str__(self) -> str:
        return f"search entry of asset {self.pk}"


def thumbnail_url_for(name: str) -> str:
    """The URL a thumbnail file is served at (CONTRACT.md: never under the API prefix)."""
    return f"{THUMBNAIL_URL_PREFIX}{name}"


class ResumableUpload(models.Model):
    """A tus upload in progress (assets.ingest.resumable): its bytes so far live in
    MEDIA_BASE_PATH/uploads/.partial/<id>; once complete it becomes an Asset."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    filename = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True, default="")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.filename} ({self.offset}/{self.length})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# The rejected files an import job keeps with their reasons; the count goes on past it.
IMPORT_REJECTIONS_KEPT = 1000


class ImportJob(models.Model):
    """A folder import started from the API or the UI: the same walk as `import_media`, run by
    a worker, its progress kept here and announced as `import_update`."""

    path = models.CharField(max_length=4096, help_text="relative to MEDIA_PATH; '' is all of it")
    exclude = models.JSONField(default=list, blank=True)
    process = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(null=True, blank=True, help_text="files to look at")
    added = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    ignored = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    # [{"path", "reason"}], the first IMPORT_REJECTIONS_KEPT of them.
    rejections = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written with every progress save: a running job whose heartbeat stops was lost with
    # its worker, and the reconciler starts it again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status"], name="import_status_idx")]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.path or '(media folder)'}: {self.status}"

    @property
    def seen(self) -> int:
        return self.added + self.skipped + self.ignored + self.rejected + self.excluded

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED}
