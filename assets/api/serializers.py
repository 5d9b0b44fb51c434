"""How assets look on the wire, and what the write endpoints accept."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.models import Asset


class ProcessingSerializer(serializers.Serializer):
    stage = serializers.CharField(source="processing_stage")
    progress = serializers.IntegerField(source="processing_progress")
    error = serializers.SerializerMethodField()

    def get_error(self, asset: Asset) -> str | None:
        return asset.processing_error or None


class AssetSerializer(serializers.ModelSerializer):
    processing = ProcessingSerializer(source="*", read_only=True)
    media_metadata = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = [
            "id",
            "title",
            "file_path",
            "media_type",
            "mime_type",
            "file_size",
            "checksum",
            "created_at",
            "updated_at",
            "status",
            "processing",
            "media_metadata",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_media_metadata(self, asset: Asset) -> dict[str, Any]:
        return dict(asset.media_metadata or {})


class RegisterAssetSerializer(serializers.Serializer):
    # Blank is let through to the path checks, which refuse it with the path as sent (the
    # schema still says minLength 1: assets.api.schema).
    file_path = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=4096)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)


class UploadAssetSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=255)


class RenameAssetSerializer(serializers.Serializer):
    # Optional, as PATCH is: an empty object changes nothing (and the schema says so).
    title = serializers.CharField(max_length=255, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - {"title"}
        if unknown:
            raise serializers.ValidationError(
                {name: ["Only title can be changed."] for name in sorted(unknown)}
            )
        return attrs
