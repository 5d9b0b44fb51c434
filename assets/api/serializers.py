"""How assets look on the wire, and what the write endpoints accept."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets import selectors
from assets.library import duplicates
from assets.models import Asset


class TextField(serializers.CharField):
    """Text only: DRF's CharField would take 0 or true and store "0" or "True"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class ProcessingSerializer(serializers.Serializer):
    stage = serializers.CharField(source="processing_stage")
    progress = serializers.IntegerField(source="processing_progress")
    error = serializers.SerializerMethodField()

    def get_error(self, asset: Asset) -> str | None:
        return asset.processing_error or None


class AssetSerializer(serializers.ModelSerializer):
    processing = ProcessingSerializer(source="*", read_only=True)
    media_metadata = serializers.SerializerMethodField()
    tags = serializers.ListField(
        child=serializers.CharField(), source="tag_list", read_only=True, help_text="A-Z"
    )
    duplicate_of = serializers.SerializerMethodField(
        help_text="The first asset registered with the same bytes, if this is a later copy"
    )
    collections = serializers.SerializerMethodField(help_text="The collections it is in, by name")

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
            "captured_at",
            "status",
            "processing",
            "media_metadata",
            "tags",
            "duplicate_of",
            "collections",
            "missing_since",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "missing_since": {
                "help_text": "When the watcher found the file gone (null while it is there); "
                "the asset is kept and cleared when the file is back"
            }
        }

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        }
    )
    def get_collections(self, asset: Asset) -> list[dict[str, Any]]:
        # A list passes its page's collections in the context: no query per asset.
        known: dict[int, list[dict[str, Any]]] | None = self.context.get("collections")
        if known is None:
            known = selectors.collections_of([asset.pk])
        return known.get(asset.pk, [])

    def get_duplicate_of(self, asset: Asset) -> int | None:
        # A list passes the originals of its page in the context: no query per asset.
        return duplicates.duplicate_of(asset, self.context.get("originals"))

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


class ChangeAssetSerializer(serializers.Serializer):
    # Optional, as PATCH is: an empty object changes nothing (and the schema says so).
    title = serializers.CharField(max_length=255, required=False)
    # The whole new set (assets.library.tags.clean_names checks each name).
    tags = serializers.ListField(
        child=TextField(max_length=64, allow_blank=True, trim_whitespace=False),
        max_length=50,
        required=False,
        help_text="Replaces the asset's tags: at most 50 names of 1 to 64 characters, any case "
        "(a name already used keeps its first spelling).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - {"title", "tags"}
        if unknown:
            raise serializers.ValidationError(
                {name: ["Only title and tags can be changed."] for name in sorted(unknown)}
            )
        return attrs


class FacetValueSerializer(serializers.Serializer):
    value = serializers.JSONField()
    count = serializers.IntegerField()


class TimelineMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM, UTC, of captured_at")
    count = serializers.IntegerField()


class TimelineSerializer(serializers.Serializer):
    months = TimelineMonthSerializer(many=True, help_text="Newest first; months with none left out")


class FacetsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    media_type = FacetValueSerializer(many=True)
    status = FacetValueSerializer(many=True)
    tag = FacetValueSerializer(many=True, help_text="The 20 most frequent")
    camera = FacetValueSerializer(many=True, help_text="The 20 most frequent")
    year = FacetValueSerializer(many=True, help_text="When taken (captured_at), newest first")


BULK_ACTIONS = [
    "tag",
    "untag",
    "add_to_collection",
    "remove_from_collection",
    "reprocess",
    "delete",
]
MAX_BULK_IDS = 10_000
# The largest id a database column holds (a bigger number names no asset: a 400, not a 500).
MAX_ID = 2**63 - 1


class BulkActionSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_BULK_IDS,
        required=False,
        help_text="The assets, by id (at most 10,000); or `filter`",
    )
    filter = serializers.DictField(
        required=False,
        help_text="The list's query parameters (type, status, mime_type, q, tag, duplicates, "
        "created_after, created_before): every asset they find. {} is the whole library.",
    )
    action = serializers.ChoiceField(choices=BULK_ACTIONS)
    tags = serializers.ListField(
        child=TextField(max_length=64, allow_blank=True, trim_whitespace=False),
        max_length=50,
        required=False,
        help_text="For tag and untag",
    )
    collection = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="For add_to_collection and remove_from_collection",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({n: ["Unknown field."] for n in sorted(unknown)})
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError({"ids": ["Give either ids or filter."]})
        if attrs["action"] in ("tag", "untag") and not attrs.get("tags"):
            raise serializers.ValidationError({"tags": ["Name the tags to add or remove."]})
        if attrs["action"].endswith("_collection") and "collection" not in attrs:
            raise serializers.ValidationError({"collection": ["Name the collection."]})
        return attrs


class BulkResultSerializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Assets the ids or the filter named")
    changed = serializers.IntegerField(help_text="Assets the action changed")


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    asset_count = serializers.IntegerField(help_text="Assets with this tag")


class CollectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    asset_count = serializers.IntegerField()
    cover = serializers.SerializerMethodField(
        help_text="The asset shown for the collection: the one chosen, else the first added"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "asset_id": {"type": "integer"},
                "thumbnail_url": {"type": "string", "nullable": True},
                "chosen": {"type": "boolean"},
            },
        }
    )
    def get_cover(self, collection: Any) -> dict[str, Any] | None:
        asset_id = collection.cover_id or getattr(collection, "first_asset_id", None)
        if asset_id is None:
            return None
        thumbnails: dict[int, str | None] = self.context.get("thumbnails") or {}
        if asset_id not in thumbnails:
            asset = Asset.objects.filter(pk=asset_id).only("media_metadata").first()
            thumbnails = {asset_id: asset.thumbnail_url if asset else None}
        return {
            "asset_id": asset_id,
            "thumbnail_url": thumbnails[asset_id],
            "chosen": collection.cover_id is not None,
        }


class CollectionWriteSerializer(serializers.Serializer):
    name = TextField(max_length=120, trim_whitespace=False, allow_blank=True)
    description = TextField(max_length=2000, required=False, allow_blank=True)
    cover = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="An asset of the collection; null: the first added",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({n: ["Unknown field."] for n in sorted(unknown)})
        return attrs


class MembershipSerializer(serializers.Serializer):
    asset_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_BULK_IDS,
    )


class MembershipResultSerializer(serializers.Serializer):
    changed = serializers.ListField(
        child=serializers.IntegerField(), help_text="The assets added (or removed)"
    )
    collection = CollectionSerializer()
