"""The Django admin for operators: browse assets, reprocess or delete them (through services)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts import audit
from accounts.models import AuditAction
from assets import selectors, services
from assets.library import tags
from assets.library.search import search_assets
from assets.models import Asset, Collection, Tag, tag_key
from mam.errors import InvalidInput


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["preview", "title", "status", "media_type", "size", "created_at"]
    list_display_links = ["preview", "title"]
    list_filter = ["media_type", "status", "mime_type", "tags", "collections"]
    search_fields = ["title", "file_path"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) per page is slow on big libraries
    actions = ["reprocess_selected", "delete_selected_assets"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "large_preview",
                    "title",
                    "file_path",
                    "status",
                    "created_at",
                    "captured_at",
                    "tag_list",
                    "collection_list",
                ]
            },
        ),
        (
            "File",
            {"fields": ["media_type", "mime_type", "size", "checksum", "updated_at"]},
        ),
        (
            "Processing",
            {
                "fields": [
                    "processing_stage",
                    "processing_progress",
                    "error",
                    "processing_attempts",
                    "processing_started_at",
                    "processed_at",
                ]
            },
        ),
        ("Metadata", {"fields": ["metadata"]}),
    ]
    # Everything shown is read-only: the detail page is for reading, not editing.
    readonly_fields = [str(name) for _, options in fieldsets for name in options["fields"]]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Asset]:
        return selectors.asset_list()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Asset], search_term: str
    ) -> tuple[QuerySet[Asset], bool]:
        # The API's search, not a second one: the same query finds the same assets.
        return search_assets(queryset, search_term), False

    # Registration goes through services (the API or import_media), never a bare form save;
    # the detail page is read-only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Asset | None = None) -> bool:
        return False

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("assets.change_asset"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would bypass services.delete_asset
        return actions

    @admin.display(description="Preview")
    def preview(self, asset: Asset) -> SafeString | str:
        if not asset.thumbnail_url:
            return "-"
        return format_html(
            '<img src="{}" alt="" loading="lazy" style="max-height:60px;max-width:96px">',
            asset.thumbnail_url,
        )

    @admin.display(description="Preview")
    def large_preview(self, asset: Asset) -> SafeString | str:
        if not asset.thumbnail_url:
            return "-"
        return format_html('<img src="{}" alt="" style="max-width:480px">', asset.thumbnail_url)

    @admin.display(description="Tags")
    def tag_list(self, asset: Asset) -> str:
        return ", ".join(asset.tag_list) or "-"

    @admin.display(description="Collections")
    def collection_list(self, asset: Asset) -> str:
        return (
            ", ".join(c["name"] for c in selectors.collections_of([asset.pk]).get(asset.pk, []))
            or "-"
        )

    @admin.display(description="Size", ordering="file_size")
    def size(self, asset: Asset) -> str:
        return str(filesizeformat(asset.file_size))

    @admin.display(description="Processing error")
    def error(self, asset: Asset) -> str:
        return asset.processing_error or "-"

    @admin.display(description="Metadata")
    def metadata(self, asset: Asset) -> SafeString:
        pretty = json.dumps(asset.media_metadata, indent=2, sort_keys=True, ensure_ascii=False)
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', pretty)

    @admin.action(description="Reprocess selected assets", permissions=["reprocess"])
    def reprocess_selected(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        done = services.reprocess_assets(queryset.order_by("id"))
        for asset in done:
            audit.record(request, AuditAction.REPROCESS, asset.pk)
        self.message_user(request, f"Queued {len(done)} asset(s) for reprocessing.")

    @admin.action(
        description="Delete selected assets (and their thumbnails)", permissions=["delete"]
    )
    def delete_selected_assets(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for asset_id in ids:
            services.delete_asset(asset_id=asset_id)
            audit.record(request, AuditAction.DELETE, asset_id)
        self.message_user(
            request,
            f"Deleted {len(ids)} asset(s); the original media files were kept.",
            messages.SUCCESS,
        )

    def delete_model(self, request: HttpRequest, obj: Asset) -> None:
        asset_id = obj.pk
        services.delete_asset(asset_id=asset_id)
        audit.record(request, AuditAction.DELETE, asset_id, file_path=obj.file_path)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        for asset_id in list(queryset.values_list("pk", flat=True)):
            services.delete_asset(asset_id=asset_id)
            audit.record(request, AuditAction.DELETE, asset_id)


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self) -> str:
        try:
            (name,) = tags.clean_names([self.cleaned_data["name"]])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from None
        other = Tag.objects.filter(key=tag_key(name)).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(f"Another tag is already called {other.name}")
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Rename a tag everywhere it is used, or delete it from every asset (assets stay)."""

    form = TagForm
    list_display = ["name", "asset_count", "created_at"]
    search_fields = ["name"]
    ordering = ["key"]
    actions = ["delete_selected_tags"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return Tag.objects.annotate(count=Count("assets"))

    @admin.display(description="Assets", ordering="count")
    def asset_count(self, tag: Tag) -> int:
        return int(getattr(tag, "count", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a tag exists by being given to an asset

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would leave the assets' tag_names behind
        return actions

    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        tags.rename(obj, obj.name)

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        tags.delete([obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        tags.delete(list(queryset.values_list("pk", flat=True)))

    @admin.action(description="Delete selected tags (from every asset)", permissions=["delete"])
    def delete_selected_tags(self, request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        count = queryset.count()
        changed = tags.delete(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Deleted {count} tag(s) from {changed} asset(s).")


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    """Collections to look through; they are made and changed in the UI or the API."""

    list_display = ["name", "asset_count", "updated_at"]
    search_fields = ["name"]
    readonly_fields = ["name", "description", "cover", "created_at", "updated_at"]
    exclude = ["assets"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Collection]:
        return Collection.objects.annotate(count=Count("assets"))

    @admin.display(description="Assets", ordering="count")
    def asset_count(self, collection: Collection) -> int:
        return int(getattr(collection, "count", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Collection | None = None) -> bool:
        return False
