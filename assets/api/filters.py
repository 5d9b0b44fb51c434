"""The list's filters and orderings (django-filter), each backed by an index."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from assets.library.search import search_assets
from assets.models import Asset, AssetStatus, MediaType


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders as asked, then by id, so pages never repeat or skip rows with equal keys."""

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-id" if ordering[0].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


class AssetFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="media_type", choices=MediaType.choices)
    mime_type = django_filters.CharFilter(field_name="mime_type")
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    q = django_filters.CharFilter(method="search", label="Title or path contains")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    ordering = StableOrderingFilter(fields=("created_at", "title", "file_size"))

    class Meta:
        model = Asset
        fields: list[str] = []

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        return search_assets(queryset, value)
