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
                {"type": "integer", "minimum": 0, "maximum": similar.MAX_DISTANCE},
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


GROUPS_PER_PAGE = 20


class DuplicateGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["exact", "similar"])
    assets = AssetSerializer(many=True, help_text="Oldest first: the first is the original")


class DuplicateGroupPageSerializer(serializers.Serializer):
    items = DuplicateGroupSerializer(many=True)
    meta = serializers.DictField(help_text="page, page_size, total (groups), pages")


def _page(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise InvalidInput("page must be a whole number from 1", page=raw)
    return int(raw)


class DuplicateGroupsView(APIView):
    @extend_schema(
        operation_id="duplicates_list",
        summary="Groups of duplicates to review: the same bytes (exact) or pictures that look "
        "alike (similar)",
        parameters=[
            OpenApiParameter("kind", str, enum=["exact", "similar"], description="Default exact"),
            OpenApiParameter(
                "max_distance",
                {"type": "integer", "minimum": 0, "maximum": similar.MAX_GROUP_DISTANCE},
                description=f"For similar: bits that may differ, 0-{similar.MAX_GROUP_DISTANCE} "
                f"(default {similar.DEFAULT_GROUP_DISTANCE})",
            ),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                description="From 1; 20 groups a page",
            ),
        ],
        responses={200: DuplicateGroupPageSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        kind = request.query_params.get("kind") or "exact"
        if kind not in ("exact", "similar"):
            raise InvalidInput("kind must be exact or similar", kind=kind)
        page = _page(request.query_params.get("page"))
        start = (page - 1) * GROUPS_PER_PAGE
        raw = request.query_params.get("max_distance") or ""
        if raw and (
            not raw.isascii() or not raw.isdigit() or int(raw) > similar.MAX_GROUP_DISTANCE
        ):
            raise InvalidInput(
                f"max_distance must be a whole number from 0 to {similar.MAX_GROUP_DISTANCE}",
                max_distance=raw,
            )
        if kind == "exact":
            groups = duplicates.exact_groups()
            total = groups.count()
            checksums = [str(g["checksum"]) for g in groups[start : start + GROUPS_PER_PAGE]]
            members: dict[str, list[Asset]] = {c: [] for c in checksums}
            for asset in Asset.objects.filter(checksum__in=checksums).order_by("id"):
                members[asset.checksum].append(asset)
            shown = list(members.values())
        else:
            distance = int(raw) if raw else similar.DEFAULT_GROUP_DISTANCE
            all_groups = similar.cached_similar_groups(distance)
            total = len(all_groups)
            page_groups = all_groups[start : start + GROUPS_PER_PAGE]
            found = Asset.objects.in_bulk([i for ids in page_groups for i in ids])
            shown = [[found[i] for i in ids if i in found] for ids in page_groups]
        flat = [a for group in shown for a in group]
        context = {
            "collections": selectors.collections_of([a.pk for a in flat]),
            "originals": duplicates.originals_of(a.checksum for a in flat),
        }
        return Response(
            {
                "items": [
                    {
                        "kind": kind,
                        "assets": AssetSerializer(group, many=True, context=context).data,
                    }
                    for group in shown
                ],
                "meta": {
                    "page": page,
                    "page_size": GROUPS_PER_PAGE,
                    "total": total,
                    "pages": -(-total // GROUPS_PER_PAGE),
                },
            }
        )
