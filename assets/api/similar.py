"""`GET /api/v1/assets/<id>/similar`: the asset's near-duplicates (assets.library.similar)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assets import selectors
from assets.api.serializers import AssetSerializer
from assets.api.views import ERRORS, _asset_id
from assets.library import duplicates, similar
from assets.models import Asset
from mam.errors import InvalidInput


class SimilarItemSerializer(serializers.Serializer):
    distance = serializers.IntegerField(help_text="Bits of 64 that differ; 0 looks the same")
    asset = AssetSerializer()


class SimilarSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField()
    hashed = serializers.BooleanField(
        help_text="False until the asset is processed (or when its picture could not be hashed)"
    )
    max_distance = serializers.IntegerField()
    items = SimilarItemSerializer(many=True)


def _max_distance(raw: str | None) -> int:
    if raw is None or raw == "":
        return similar.DEFAULT_DISTANCE
    if not raw.isascii() or not raw.isdigit() or int(raw) > similar.MAX_DISTANCE:
        raise InvalidInput(
            f"max_distance must be a whole number from 0 to {similar.MAX_DISTANCE}",
            max_distance=raw,
        )
    return int(raw)


class SimilarAssetsView(APIView):
    @extend_schema(
        operation_id="assets_similar",
        summary="Assets that look like this one (resized, recompressed, lightly edited)",
        parameters=[
            OpenApiParameter(
                "max_distance",
                int,
                description=f"Bits that may differ, 0-{similar.MAX_DISTANCE} "
                f"(default {similar.DEFAULT_DISTANCE})",
            )
        ],
        responses={200: SimilarSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: str) -> Response:
        asset_id = _asset_id(pk)
        max_distance = _max_distance(request.query_params.get("max_distance"))
        hashed, near = similar.similar_to(
            asset_id, max_distance=max_distance, limit=similar.MAX_RESULTS
        )
        found = Asset.objects.in_bulk([s.asset_id for s in near])
        shown = [found[s.asset_id] for s in near if s.asset_id in found]
        context = {
            "collections": selectors.collections_of([a.pk for a in shown]),
            "originals": duplicates.originals_of(a.checksum for a in shown),
        }
        items = [
            {
                "distance": s.distance,
                "asset": AssetSerializer(found[s.asset_id], context=context).data,
            }
            for s in near
            if s.asset_id in found
        ]
        return Response(
            {"asset_id": asset_id, "hashed": hashed, "max_distance": max_distance, "items": items}
        )
