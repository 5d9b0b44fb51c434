"""The Django admin for operators: browse assets, reprocess or delete them (through services)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from assets import selectors, services
from assets.library.search import search_assets
from assets.models import Asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["preview", "title", "status", "media_type", "size", "created_at"]
    list_display_links = ["preview", "title"]
    list_filter = ["media_type", "status", "mime_type"]
    search_fields = ["title", "file_path"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) per page is slow on big libraries
    actions = ["reprocess_selected", "delete_selected_assets"]
    fieldsets = [
        (None, {"fields": ["large_preview", "title", "file_path", "status", "created_at"]}),
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
        self.message_user(request, f"Queued {len(done)} asset(s) for reprocessing.")

    @admin.action(
        description="Delete selected assets (and their thumbnails)", permissions=["delete"]
    )
    def delete_selected_assets(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        for asset_id in ids:
            services.delete_asset(asset_id=asset_id)
        self.message_user(
            request,
            f"Deleted {len(ids)} asset(s); the original media files were kept.",
            messages.SUCCESS,
        )

    def delete_model(self, request: HttpRequest, obj: Asset) -> None:
        services.delete_asset(asset_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Asset]) -> None:
        for asset_id in queryset.values_list("pk", flat=True):
            services.delete_asset(asset_id=asset_id)
