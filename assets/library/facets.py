"""Facets: how many of the assets a filter finds fall in each media type, status, tag, camera
and year, for the UI's filter panel. A few GROUP BY queries over the filtered set."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import CharField, Count, F, Func, IntegerField, QuerySet
from django.db.models.functions import ExtractYear

from assets.models import Asset, Tag

# The longest lists of values that are not a fixed set: the most frequent first.
TOP = 20


def _counts(queryset: QuerySet[Asset], key: str, limit: int | None = None) -> list[dict[str, Any]]:
    rows = (
        queryset.exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(count=Count("id"))
        .order_by("-count", key)
    )
    if limit is not None:
        rows = rows[:limit]
    return [{"value": row[key], "count": row["count"]} for row in rows]


def _year_taken(vendor: str) -> Any:
    """The UTC year of captured_at. On SQLite, Django's ExtractYear calls a Python function for
    each row (1.6 s at 100,000 assets); a stored time is UTC text starting with the year, which
    SQLite reads itself. PostgreSQL's EXTRACT is native."""
    if vendor == "sqlite":
        return Func(
            F("captured_at"),
            template="CAST(substr(%(expressions)s, 1, 4) AS INTEGER)",
            output_field=IntegerField(),
        )
    return ExtractYear("captured_at")


def facets(queryset: QuerySet[Asset]) -> dict[str, Any]:
    """Counts per value of each facet for the assets of `queryset` (unordered, unranked)."""
    base = queryset.order_by()
    tags = (
        Tag.objects.filter(assets__in=base.values("id"))
        .values("name")
        .annotate(count=Count("assets"))
        .order_by("-count", "name")[:TOP]
    )
    return {
        "total": base.count(),
        "media_type": _counts(base, "media_type"),
        "status": _counts(base, "status"),
        "tag": [{"value": row["name"], "count": row["count"]} for row in tags],
        # The column the worker copies out of the metadata: no JSON read per row.
        "camera": _counts(base.exclude(camera=""), "camera", TOP),
        "year": sorted(
            _counts(base.annotate(year=_year_taken(connections[base.db].vendor)), "year"),
            key=lambda row: row["value"],
            reverse=True,
        ),
    }


def _month_taken(vendor: str) -> Any:
    """ "YYYY-MM" of captured_at in UTC, read by the database itself (as _year_taken)."""
    if vendor == "sqlite":
        return Func(
            F("captured_at"), template="substr(%(expressions)s, 1, 7)", output_field=CharField()
        )
    return Func(
        F("captured_at"),
        template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM')",
        output_field=CharField(),
    )


def timeline(queryset: QuerySet[Asset]) -> list[dict[str, Any]]:
    """How many of the assets were taken in each month (UTC), newest first: what the UI's
    timeline scrubber shows beside the grid."""
    base = queryset.order_by()
    rows = (
        base.annotate(month=_month_taken(connections[base.db].vendor))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    return [{"month": row["month"], "count": row["count"]} for row in rows]
