"""The collections endpoints: parse input, call assets.library.collections, shape the output."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import audit
from accounts.models import AuditAction
from assets.api.serializers import (
    CollectionSerializer,
    CollectionWriteSerializer,
    MembershipResultSerializer,
    MembershipSerializer,
)
from assets.api.views import ERRORS, _asset_id
from assets.library import collections
from assets.models import Asset, Collection
from mam.errors import InvalidInput

ORDERINGS = {"name": ("name", "id"), "-updated_at": ("-updated_at", "-id")}


def _thumbnails(page: list[Collection]) -> dict[int, str | None]:
    """The cover thumbnails of a page of collections: one query."""
    ids = [c.cover_id or getattr(c, "first_asset_id", None) for c in page]
    assets = Asset.objects.filter(pk__in=[i for i in ids if i]).only("id", "media_metadata")
    return {a.pk: a.thumbnail_url for a in assets}


@extend_schema_view(
    list=extend_schema(
        summary="Collections, by name (or ordering=-updated_at); q: name contains",
        parameters=[
            OpenApiParameter("q", str, description="Part of the name, any case"),
            OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
        ],
        responses={200: CollectionSerializer(many=True), 400: ERRORS[400]},
    ),
)
class CollectionViewSet(viewsets.GenericViewSet):
    serializer_class = CollectionSerializer
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Collection]:
        found = collections.listed()
        q = self.request.query_params.get("q", "").strip()
        if q:
            found = found.filter(name__icontains=q)
        ordering = self.request.query_params.get("ordering") or "name"
        if ordering not in ORDERINGS:
            raise InvalidInput(
                f"ordering must be one of {', '.join(ORDERINGS)}", fields={"ordering": ordering}
            )
        return found.order_by(*ORDERINGS[ordering])

    def _id(self) -> int:
        return _asset_id(self.kwargs.get("pk"))  # the same rule: a whole number from 1

    def _shown(self, collection: Collection, **extra: Any) -> Response:
        context = {"thumbnails": _thumbnails([collection])}
        return Response(CollectionSerializer(collection, context=context).data, **extra)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        context = {"thumbnails": _thumbnails(page)}
        return self.get_paginated_response(
            CollectionSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        summary="Make a collection",
        request=CollectionWriteSerializer,
        responses={201: CollectionSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        given = self._valid(request, partial=False)
        made = collections.create(name=given["name"], description=given.get("description", ""))
        return self._shown(made, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CollectionSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._shown(collections.get(self._id()))

    @extend_schema(
        summary="Rename, describe, or choose the cover of a collection",
        request=CollectionWriteSerializer,
        responses={200: CollectionSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        collection_id = collections.get(self._id()).pk
        given = self._valid(request, partial=True)
        changed = collections.change(
            collection_id,
            name=given.get("name"),
            description=given.get("description"),
            cover=given.get("cover", False),
        )
        return self._shown(changed)

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        collection_id = self._id()
        members = collections.delete(collection_id)
        audit.record_bulk(
            request, AuditAction.COLLECT, members, removed_from=collection_id, deleted=True
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["POST"],
        summary="Add assets to the collection (those already in it are left as they are)",
        request=MembershipSerializer,
        responses={200: MembershipResultSerializer, **ERRORS},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Take assets out of the collection (the assets are never deleted)",
        request=MembershipSerializer,
        responses={200: MembershipResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post", "delete"])
    def assets(self, request: Request, pk: str | None = None) -> Response:
        collection_id = collections.get(self._id()).pk
        if not isinstance(request.data, dict):
            raise InvalidInput("Request body must be a JSON object")
        given = MembershipSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        ids = given.validated_data["asset_ids"]
        if request.method == "POST":
            changed = collections.add(collection_id, ids)
            audit.record_bulk(request, AuditAction.COLLECT, changed, added_to=collection_id)
        else:
            changed = collections.remove(collection_id, ids)
            audit.record_bulk(request, AuditAction.COLLECT, changed, removed_from=collection_id)
        collection = collections.get(collection_id)
        context = {"thumbnails": _thumbnails([collection])}
        return Response(
            {
                "changed": changed,
                "collection": CollectionSerializer(collection, context=context).data,
            }
        )

    def _valid(self, request: Request, *, partial: bool) -> dict[str, Any]:
        if not isinstance(request.data, dict):
            raise InvalidInput("Request body must be a JSON object")
        given = CollectionWriteSerializer(data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        return dict(given.validated_data)
