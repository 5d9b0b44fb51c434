"""The assets viewset: parse input, call a service, shape the output."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NoReturn

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.drainage import get_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit
from accounts.models import AuditAction
from assets import metrics, selectors, services
from assets.api.filters import AssetFilter, UnorderedAssetFilter
from assets.api.serializers import (
    AssetSerializer,
    BulkActionSerializer,
    BulkResultSerializer,
    ChangeAssetSerializer,
    FacetsSerializer,
    RegisterAssetSerializer,
    TagSerializer,
    TimelineSerializer,
    UploadAssetSerializer,
)
from assets.api.streaming import ranged_file_response
from assets.ingest.errors import FileRejected
from assets.ingest.paths import stored_file_path
from assets.library import bulk, duplicates, facets, tags
from assets.models import Asset
from mam.config import Config
from mam.errors import InvalidInput, NotFound
from mam.throttling import SharedScopedRateThrottle

ERROR_SCHEMA = inline_serializer(
    "ErrorResponse",
    {
        "error": serializers.CharField(),
        "timestamp": serializers.DateTimeField(),
        "context": serializers.DictField(),
    },
)
ERRORS = {code: OpenApiResponse(ERROR_SCHEMA) for code in (400, 404, 409, 413, 415)}


class FileContentNegotiation(BaseContentNegotiation):
    """For views that answer with a file: whatever the client accepts, errors are JSON.

    (The DRF docs' IgnoreClientContentNegotiation.)
    """

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> Any:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


# The rendition files served under /thumbnails/, all named by the source's sha256:
# <sha256>-<edge>[-v<rendering version>].jpg, thumbnails and previews
# (processing.thumbnails.thumbnail_name; names from before versions have none and are still
# served); <sha256>-proxy-v<version>.mp4, or .m4a for a sound (processing.proxy.proxy_name);
# and a scrub strip's <sha256>-scrub-v<version>.vtt and the .jpg sprite it points at
# (processing.scrubstrip).
THUMBNAIL_NAME = re.compile(
    r"^[0-9a-f]{64}-(?:[0-9]{2,4}(?:-v[0-9]{1,4})?\.jpg|proxy-v[0-9]{1,4}\.(?:mp4|m4a)"
    r"|scrub-v[0-9]{1,4}\.(?:jpg|vtt))$"
)
RENDITION_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
}
# What the video player fetches, a few files per video opened (proxy, scrub VTT and sprite):
# a proxy's Range requests come one per seek, like /content's (which has no rate limit), so
# they are not counted against the thumbnails' limit, which is there for the grid's flood.
PLAYER_RENDITION = re.compile(r"-(?:proxy|scrub)-v[0-9]+\.")
IMMUTABLE = "public, max-age=31536000, immutable"


def filter_parameters(filterset: Any, without: tuple[str, ...] = ()) -> list[OpenApiParameter]:
    """A filterset's query parameters for an action that is not a list (drf-spectacular
    documents them only on lists)."""
    found = []
    for name, field in filterset.base_filters.items():
        if name in without:
            continue
        # What the filter's own @extend_schema_field says (its bounds, a repeated value).
        kind: Any = get_override(field, "field") or OpenApiTypes.STR
        if isinstance(field, django_filters.BooleanFilter):
            kind = OpenApiTypes.BOOL
        elif isinstance(field, django_filters.IsoDateTimeFilter):
            kind = OpenApiTypes.DATETIME
        elif isinstance(field, django_filters.NumberFilter) and not isinstance(kind, dict):
            kind = OpenApiTypes.INT
        choices = [value for value, _ in field.extra.get("choices", [])] or None
        found.append(
            OpenApiParameter(
                name,
                kind,
                description=str(field.label or ""),
                enum=choices,
                many=name == "tag",
            )
        )
    return found


def _filtered(assets: QuerySet[Asset], given: dict[str, Any]) -> QuerySet[Asset]:
    """The assets the list's filters find, from a JSON object of its query parameters."""
    known = set(UnorderedAssetFilter.base_filters) - {"ordering"}
    unknown = sorted(set(given) - known)
    if unknown:
        # A misspelt filter must not widen an action to the whole library.
        raise InvalidInput(
            f"Unknown filter: {', '.join(unknown)}",
            fields={"filter": unknown, "known": sorted(known)},
        )
    params = QueryDict(mutable=True)
    for name, value in given.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in values):
            raise InvalidInput(f"Filter {name} takes text", fields={"filter": name})
        params.setlist(name, [str(v).lower() if isinstance(v, bool) else str(v) for v in values])
    found = UnorderedAssetFilter(params, queryset=assets)
    if not found.is_valid():
        raise serializers.ValidationError({"filter": found.errors})
    result: QuerySet[Asset] = found.qs
    return result


def _asset_id(raw: str | None) -> int:
    try:
        value = int(raw or "")
    except ValueError:
        value = 0
    if value < 1:
        raise NotFound("Asset not found", asset_id=raw)
    return value


@extend_schema_view(
    list=extend_schema(
        summary="List assets, filtered, ordered and paged",
        responses={200: AssetSerializer(many=True), 400: ERRORS[400]},
    )
)
class AssetViewSet(
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssetSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssetFilter
    parser_classes = [JSONParser, MultiPartParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Asset]:
        return selectors.asset_list()

    def _asset(self) -> Asset:
        return services.get_asset(_asset_id(self.kwargs.get("pk")))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        context = {
            **self.get_serializer_context(),
            "originals": duplicates.originals_of(asset.checksum for asset in page),
            "collections": selectors.collections_of(asset.pk for asset in page),
        }
        return self.get_paginated_response(AssetSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="One action on many assets: by ids, or every asset the list's filters find",
        request=BulkActionSerializer,
        responses={200: BulkResultSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def bulk(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise InvalidInput("Request body must be a JSON object")
        parsed = BulkActionSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        asked = parsed.validated_data
        # By ids: batched by id, each batch only its own ids (bulk.batches_of_ids).
        named = "ids" in asked
        assets = asked["ids"] if named else _filtered(self.get_queryset(), asked["filter"])
        kind = asked["action"]
        if kind in ("tag", "untag"):
            act = bulk.tagger(asked["tags"], add=kind == "tag")
        elif kind.endswith("_collection"):
            act = bulk.collector(asked["collection"], add=kind == "add_to_collection")
        else:
            act = bulk.reprocess if kind == "reprocess" else bulk.delete
        outcome = bulk.run(assets, act)
        audit_action = {
            "tag": AuditAction.TAG,
            "untag": AuditAction.TAG,
            "add_to_collection": AuditAction.COLLECT,
            "remove_from_collection": AuditAction.COLLECT,
            "reprocess": AuditAction.REPROCESS,
            "delete": AuditAction.DELETE,
        }[kind]
        detail = {"bulk": kind, **{k: asked[k] for k in ("tags", "collection") if k in asked}}
        audit.record_bulk(request, audit_action, outcome.changed_ids or [], **detail)
        return Response({"matched": outcome.matched, "changed": outcome.changed})

    @extend_schema(
        summary="How many of the assets the filters find fall in each type, status, tag, "
        "camera and year",
        parameters=filter_parameters(UnorderedAssetFilter, without=("ordering",)),
        responses={200: FacetsSerializer, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], filterset_class=UnorderedAssetFilter)
    def facets(self, request: Request) -> Response:
        return Response(facets.facets(self.filter_queryset(self.get_queryset())))

    @extend_schema(
        summary="How many of the assets the filters find were taken in each month (UTC), "
        "newest first: the timeline",
        parameters=filter_parameters(UnorderedAssetFilter, without=("ordering",)),
        responses={200: TimelineSerializer, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], filterset_class=UnorderedAssetFilter)
    def timeline(self, request: Request) -> Response:
        return Response({"months": facets.timeline(self.filter_queryset(self.get_queryset()))})

    @extend_schema(
        summary="Register a file under the media folder, or upload one (multipart `file`)",
        request={
            "application/json": RegisterAssetSerializer,
            "multipart/form-data": UploadAssetSerializer,
        },
        responses={201: AssetSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        if request.content_type.startswith("multipart/"):
            upload = UploadAssetSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            asset = services.upload_asset(
                uploaded=upload.validated_data["file"], title=upload.validated_data.get("title")
            )
            audit.record(request, AuditAction.UPLOAD, asset.pk, file_path=asset.file_path)
        else:
            if not isinstance(request.data, dict):
                raise InvalidInput("Request body must be a JSON object")
            register = RegisterAssetSerializer(data=request.data)
            register.is_valid(raise_exception=True)
            asset = services.register_asset(
                file_path=register.validated_data["file_path"],
                title=register.validated_data.get("title"),
            )
            audit.record(request, AuditAction.REGISTER, asset.pk, file_path=asset.file_path)
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AssetSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(AssetSerializer(self._asset()).data)

    @extend_schema(
        summary="Rename an asset and/or replace its tags",
        request=ChangeAssetSerializer,
        responses={200: AssetSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        asset_id = self._asset().pk
        if not isinstance(request.data, dict):
            raise InvalidInput("Request body must be a JSON object", asset_id=asset_id)
        change = ChangeAssetSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        if "tags" in change.validated_data:
            tags.clean_names(change.validated_data["tags"])  # refused before anything changes
        if "title" in change.validated_data:
            before = services.get_asset(asset_id).title
            asset = services.rename_asset(asset_id=asset_id, title=change.validated_data["title"])
            audit.record(request, AuditAction.RENAME, asset_id, before=before, after=asset.title)
        if "tags" in change.validated_data:
            asset, had = tags.set_tags(asset_id=asset_id, names=change.validated_data["tags"])
            if asset.tag_list != had:
                audit.record(request, AuditAction.TAG, asset_id, before=had, after=asset.tag_list)
        return Response(AssetSerializer(services.get_asset(asset_id)).data)

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        asset = self._asset()
        services.delete_asset(asset_id=asset.pk)
        audit.record(request, AuditAction.DELETE, asset.pk, file_path=asset.file_path)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: AssetSerializer, 404: ERRORS[404]})
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str | None = None) -> Response:
        asset = services.reprocess_asset(asset_id=self._asset().pk)
        audit.record(request, AuditAction.REPROCESS, asset.pk)
        return Response(AssetSerializer(asset).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The original file, streamed with HTTP Range support",
        responses={(200, "*/*"): bytes, (206, "*/*"): bytes, 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileContentNegotiation)
    def content(self, request: Request, pk: str | None = None) -> Any:
        asset = self._asset()
        try:
            path = stored_file_path(asset.file_path)
        except FileRejected:
            raise NotFound("The asset's file is no longer available", asset_id=asset.pk) from None
        response: FileResponse | StreamingHttpResponse = ranged_file_response(
            request, path, asset.mime_type, path.name
        )
        return response


class ThumbnailView(APIView):
    """Serves generated renditions (thumbnails, previews, proxies, scrub strips): immutable
    (content-derived names); the pictures rate limited, the player's files not. A proxy is
    served with HTTP Range support, as /content is, so the player can seek."""

    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "thumbnails"
    content_negotiation_class = FileContentNegotiation

    def get_throttles(self) -> list[Any]:
        if PLAYER_RENDITION.search(str(self.kwargs.get("name", ""))):
            return []
        return super().get_throttles()

    @extend_schema(exclude=True)
    def get(self, request: Request, name: str) -> FileResponse | StreamingHttpResponse:
        path = Config.THUMBNAIL_DIR / name
        if not THUMBNAIL_NAME.match(name) or not path.is_file():
            raise NotFound("Thumbnail not found", thumbnail=name)
        content_type = RENDITION_CONTENT_TYPES[path.suffix]
        response: FileResponse | StreamingHttpResponse
        if path.suffix in {".mp4", ".m4a"}:
            response = ranged_file_response(request, path, content_type, name)
        else:
            response = FileResponse(path.open("rb"), content_type=content_type)
        response["Cache-Control"] = IMMUTABLE
        metrics.record_thumbnail("served")
        return response

    def throttled(self, request: Request, wait: float) -> NoReturn:
        metrics.record_thumbnail("throttled")
        super().throttled(request, wait)


@extend_schema_view(
    get=extend_schema(
        summary="Tags, the most used first; `q`: those beginning with it (any case)",
        parameters=[
            OpenApiParameter("q", str, description="The start of the tag's name, any case"),
        ],
        responses={200: TagSerializer(many=True), 400: ERRORS[400]},
    )
)
class TagListView(generics.ListAPIView):
    """For autocompletion and the filter panel: names and how many assets carry each."""

    serializer_class = TagSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return tags.suggestions(self.request.query_params.get("q", ""))
