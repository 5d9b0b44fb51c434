"""The assets viewset: parse input, call a service, shape the output."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NoReturn

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from assets import metrics, selectors, services
from assets.api.filters import AssetFilter
from assets.api.serializers import (
    AssetSerializer,
    RegisterAssetSerializer,
    RenameAssetSerializer,
    UploadAssetSerializer,
)
from assets.api.streaming import ranged_file_response
from assets.ingest.errors import FileRejected
from assets.ingest.paths import stored_file_path
from assets.models import Asset
from mam.config import Config
from mam.errors import InvalidInput, NotFound

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


THUMBNAIL_NAME = re.compile(r"^[0-9a-f]{64}-[0-9]{2,4}\.jpg$")


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
        else:
            if not isinstance(request.data, dict):
                raise InvalidInput("Request body must be a JSON object")
            register = RegisterAssetSerializer(data=request.data)
            register.is_valid(raise_exception=True)
            asset = services.register_asset(
                file_path=register.validated_data["file_path"],
                title=register.validated_data.get("title"),
            )
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: AssetSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(AssetSerializer(self._asset()).data)

    @extend_schema(request=RenameAssetSerializer, responses={200: AssetSerializer, **ERRORS})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        asset_id = self._asset().pk
        if not isinstance(request.data, dict):
            raise InvalidInput("Request body must be a JSON object", asset_id=asset_id)
        rename = RenameAssetSerializer(data=request.data)
        rename.is_valid(raise_exception=True)
        if "title" not in rename.validated_data:  # a PATCH that changes nothing
            return Response(AssetSerializer(services.get_asset(asset_id)).data)
        asset = services.rename_asset(asset_id=asset_id, title=rename.validated_data["title"])
        return Response(AssetSerializer(asset).data)

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.delete_asset(asset_id=self._asset().pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: AssetSerializer, 404: ERRORS[404]})
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str | None = None) -> Response:
        asset = services.reprocess_asset(asset_id=self._asset().pk)
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
    """Serves generated thumbnails: immutable (content-derived names), rate limited."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "thumbnails"
    content_negotiation_class = FileContentNegotiation

    @extend_schema(exclude=True)
    def get(self, request: Request, name: str) -> FileResponse:
        path = Config.THUMBNAIL_DIR / name
        if not THUMBNAIL_NAME.match(name) or not path.is_file():
            raise NotFound("Thumbnail not found", thumbnail=name)
        response = FileResponse(path.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        metrics.record_thumbnail("served")
        return response

    def throttled(self, request: Request, wait: float) -> NoReturn:
        metrics.record_thumbnail("throttled")
        super().throttled(request, wait)
