"""The contract's list envelope, by page number or by cursor.

`{"items": [...], "meta": {page, page_size, total, pages, total_estimated, next_cursor}}`.

- `page` (from 1) is the contract's paging: OFFSET, so a deep page steps over every row before
  it (over index entries only: `page_rows`).
- `cursor` (the `meta.next_cursor` of the page before) is keyset paging on the list's ordering
  plus id: any depth costs the same, and rows inserted or deleted meanwhile never make a page
  repeat or skip one. `page` is null in its meta.
- `total` is exact, except on PostgreSQL when the planner expects more than
  `ESTIMATE_ABOVE` rows: then it is the planner's estimate and `total_estimated` is true (an
  exact COUNT walks every matching index entry, on every request, on a large library).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Field, Model, Q, QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from mam.errors import InvalidInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Below this many expected rows an exact COUNT is cheap (an index range of that size).
ESTIMATE_ABOVE = 10_000
MAX_CURSOR_CHARS = 1024
# A page this deep is read as ids first (page_rows); shallower ones are one query.
DEFER_FROM = 1_000


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


def ordering_of(queryset: QuerySet[Any]) -> list[str]:
    """The queryset's ordering as field names with an optional "-", ending in the primary key
    (the tiebreak that makes it total); the model's default when none was asked for."""
    pk = queryset.model._meta.pk.name
    ordering = []
    for item in queryset.query.order_by or queryset.model._meta.ordering:
        text = str(item)
        name = text.lstrip("-")
        ordering.append(("-" if text.startswith("-") else "") + (pk if name == "pk" else name))
    if not ordering or ordering[-1].lstrip("-") != pk:
        ordering.append(("-" if ordering and ordering[0].startswith("-") else "") + pk)
    return ordering


def _after(ordering: list[str], values: list[Any]) -> Q:
    """Rows after `values` in `ordering`, as index ranges: `a <= x AND (a < x OR (b ...))`.

    Not the plain `a < x OR (a = x AND ...)`: the first conjunct is a range the database
    reads from an index on the ordering, so a deep cursor starts where it left off instead of
    scanning from the first row."""
    field, rest = ordering[0], ordering[1:]
    name = field.lstrip("-")
    strictly = "lt" if field.startswith("-") else "gt"
    if not rest:
        return Q(**{f"{name}__{strictly}": values[0]})
    return Q(**{f"{name}__{strictly}e": values[0]}) & (
        Q(**{f"{name}__{strictly}": values[0]}) | _after(rest, values[1:])
    )


def encode_cursor(ordering: list[str], row: Model) -> str:
    values = [_plain(getattr(row, field.lstrip("-"))) for field in ordering]
    raw = json.dumps({"o": ordering, "v": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _value_field(queryset: QuerySet[Any], name: str) -> Field[Any, Any]:
    """What parses a cursor's value for `name`: a column, or an annotation such as search's
    relevance."""
    annotation = queryset.query.annotations.get(name)
    field = (
        annotation.output_field if annotation is not None else queryset.model._meta.get_field(name)
    )
    if not isinstance(field, Field):
        raise TypeError(f"{name} is not a column")  # a programming error: orderings are ours
    return field


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def decode_cursor(raw: str, ordering: list[str], queryset: QuerySet[Any]) -> list[Any]:
    """The ordering values a cursor continues after; InvalidInput for anything else."""
    try:
        if len(raw) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if not isinstance(decoded, dict) or not isinstance(decoded.get("v"), list):
            raise ValueError("not a cursor")
        if decoded.get("o") != ordering:
            raise InvalidInput(
                "This cursor belongs to another ordering; start again without it",
                fields={"cursor": raw[:80]},
            )
        values = decoded["v"]
        if len(values) != len(ordering):
            raise ValueError("wrong length")
        fields = [_value_field(queryset, name.lstrip("-")) for name in ordering]
        for value in values:
            if value is None or isinstance(value, bool | list | dict):
                raise ValueError("not a cursor value")
        return [field.to_python(value) for field, value in zip(fields, values, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error, RecursionError):
        raise InvalidInput(
            "cursor must be a meta.next_cursor value from this list", fields={"cursor": raw[:80]}
        ) from None


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the queryset's row count (an EXPLAIN, no rows read)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.is_empty():
        return None
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(queryset: QuerySet[Any]) -> tuple[int, bool]:
    """(total, estimated): the planner's figure when it expects many rows, else exact."""
    estimate = planner_estimate(queryset)
    if estimate is not None and estimate > ESTIMATE_ABOVE:
        return estimate, True
    return queryset.count(), False


def page_rows(queryset: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """`queryset[offset:offset + limit]`; past DEFER_FROM rows as a deferred join: the ids of
    the page first, then only those rows.

    An OFFSET makes the database step over every row before the page in order. Asking for
    the ids alone lets it step over the entries of the ordering's index (each ends in the id)
    without reading the table: page 50,000 of a million assets on PostgreSQL took 40 s whole
    rows at a time (docs/BENCHMARKS.md).
    """
    if offset < DEFER_FROM:
        return list(queryset[offset : offset + limit])
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    by_id = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


class AssetPagination(BasePagination):
    """Page numbers from 1 or cursors; page_size defaults to 20 and is clamped to 100; a
    page past the end is an empty page, not an error."""

    page: int | None
    next_cursor: str | None

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        cursor = request.query_params.get("cursor")
        if cursor is not None and "page" in request.query_params:
            raise InvalidInput(
                "Use page or cursor, not both",
                fields={"page": request.query_params["page"], "cursor": cursor[:80]},
            )
        self.page_size = min(_positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        ordering = ordering_of(queryset)
        queryset = queryset.order_by(*ordering)
        self.total, self.total_estimated = count_rows(queryset)
        if cursor is not None:
            self.page = None
            after = decode_cursor(cursor, ordering, queryset)
            rows = list(queryset.filter(_after(ordering, after))[: self.page_size + 1])
        else:
            self.page = _positive_int(request, "page", 1)
            offset = (self.page - 1) * self.page_size
            if offset >= self.total and not self.total_estimated:
                rows = []
            else:
                rows = page_rows(queryset, offset, self.page_size + 1)
            if self.total_estimated and len(rows) <= self.page_size and (rows or offset == 0):
                # The last page: what precedes it and what it holds is the exact total.
                self.total, self.total_estimated = offset + len(rows), False
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.next_cursor = encode_cursor(ordering, rows[-1]) if more else None
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "items": data,
                "meta": {
                    "page": self.page,
                    "page_size": self.page_size,
                    "total": self.total,
                    "pages": math.ceil(self.total / self.page_size),
                    "total_estimated": self.total_estimated,
                    "next_cursor": self.next_cursor,
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
                    "required": [
                        "page",
                        "page_size",
                        "total",
                        "pages",
                        "total_estimated",
                        "next_cursor",
                    ],
                    "properties": {
                        "page": {
                            "type": "integer",
                            "nullable": True,
                            "description": "The page number; null when paging by cursor.",
                        },
                        "page_size": {"type": "integer"},
                        "total": {
                            "type": "integer",
                            "description": "Matching items; the database's estimate when "
                            "total_estimated is true (a very large result).",
                        },
                        "pages": {"type": "integer"},
                        "total_estimated": {"type": "boolean"},
                        "next_cursor": {
                            "type": "string",
                            "nullable": True,
                            "description": "Pass as `cursor` (same filters and ordering) for "
                            "the items after this page; null on the last page.",
                        },
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
                "description": "Page number from 1 (not with `cursor`).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "A `meta.next_cursor` from this list with the same filters and "
                "ordering: the next items at any depth for the same cost (not with `page`).",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Items per page; larger values are clamped to {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
