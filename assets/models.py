"""The Asset: a registered media file, its processing state and its extracted metadata."""

from __future__ import annotations

from django.db import models

THUMBNAIL_URL_PREFIX = "/thumbnails/"


class AssetStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ProcessingStage(models.TextChoices):
    QUEUED = "queued", "Queued"
    VALIDATE = "validate", "Validate"
    METADATA = "metadata", "Metadata"
    THUMBNAIL = "thumbnail", "Thumbnail"
    DONE = "done", "Done"


class MediaType(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"


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

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="asset_created_idx"),
            models.Index(fields=["title"], name="asset_title_idx"),
            models.Index(fields=["file_size"], name="asset_size_idx"),
            models.Index(fields=["media_type", "-created_at"], name="asset_type_created_idx"),
            models.Index(fields=["status", "updated_at"], name="asset_status_updated_idx"),
            models.Index(fields=["mime_type"], name="asset_mime_idx"),
            models.Index(fields=["checksum"], name="asset_checksum_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.file_path})"

    @property
    def thumbnail_url(self) -> str | None:
        url = self.media_metadata.get("thumbnail_url")
        return url if isinstance(url, str) else None

    @property
    def thumbnail_name(self) -> str | None:
        """The thumbnail's file name under THUMBNAIL_DIR, when it has one."""
        url = self.thumbnail_url
        return url.removeprefix(THUMBNAIL_URL_PREFIX) if url else None


def thumbnail_url_for(name: str) -> str:
    """The URL a thumbnail file is served at (CONTRACT.md: never under the API prefix)."""
    return f"{THUMBNAIL_URL_PREFIX}{name}"
