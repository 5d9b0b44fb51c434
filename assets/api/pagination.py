"""The contract's list envelope: {"items": [...], "meta": {page, page_size, total, pages}}."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from mam.errors import InvalidInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _positive_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise InvalidInput(f"{name} must be a whole number of at least 1", fields={name: raw})
    return value


class AssetPagination(BasePagination):
    """Page numbers from 1; page_size defaults to 20 and is clamped to 100; a page past the
    end is an empty page, not an error."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.page = _positive_int(request, "page", 1)
        self.page_size = min(_positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        self.total = queryset.count()
        offset = (self.page - 1) * self.page_size
        if offset >= self.total:
            return []
        return list(queryset[offset : offset + self.page_size])

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "items": data,
                "meta": {
                    "page": self.page,
                    "page_size": self.page_size,
                    "total": self.total,
                    "pages": math.ceil(self.total / self.page_size),
                },
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "meta"],
            "properties": {
                "items": schema,
                "meta": {
                    "type": "object",
                    "properties": {
                        name: {"type": "integer"}
                        for name in ("page", "page_size", "total", "pages")
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Items per page; larger values are clamped to {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
