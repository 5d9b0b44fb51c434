"""The list's filters and orderings (django-filter), each backed by an index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from assets.library import duplicates, tags
from assets.library.search import RELEVANCE, search_assets
from assets.models import Asset, AssetStatus, MediaType
from mam.errors import InvalidInput


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders as asked, then by id, so pages never repeat or skip rows with equal keys.
    `extra_choices` are accepted values that some other filter orders by."""

    def __init__(
        self, *args: Any, extra_choices: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        self.extra_choices = list(extra_choices)
        super().__init__(*args, **kwargs)

    def build_choices(self, fields: Any, labels: Any) -> list[tuple[str, str]]:
        return [*super().build_choices(fields, labels), *self.extra_choices]

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        if not value or value == [RELEVANCE]:
            return qs  # relevance: the search has ranked the list (and without q: the default)
        if RELEVANCE in value:
            raise InvalidInput(
                "ordering=relevance stands alone", fields={"ordering": ",".join(value)}
            )
        ordering = [self.get_ordering_value(param) for param in value]
        tiebreak = "-id" if ordering[0].startswith("-") else "id"
        return qs.order_by(*ordering, tiebreak)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time with any offset Python reads, compared in UTC: PostgreSQL refuses
    offsets past 15:59 (a 500 before), and a time that leaves the calendar is a 400."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                raise InvalidInput(
                    "The time is outside the calendar once in UTC",
                    fields={self.field_name: str(value)},
                ) from None
        filtered: QuerySet[Any] = super().filter(qs, value)
        return filtered


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A whole number (an id): 0.5 or "abc" is a 400."""

    field_class = forms.IntegerField


class AssetFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="media_type", choices=MediaType.choices)
    mime_type = django_filters.CharFilter(field_name="mime_type")
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices)
    q = django_filters.CharFilter(
        method="search",
        label=(
            "Words (each a prefix, any case and accents) in the title, path, camera, lens or "
            "codec; the best matches first unless an ordering is given"
        ),
    )
    tag = django_filters.CharFilter(
        method="with_tags", label="Has this tag (any case); repeat the parameter for all of several"
    )
    collection = IdFilter(field_name="collections", label="In this collection (its id)")
    duplicates = django_filters.ChoiceFilter(
        method="only_duplicates",
        choices=[("true", "true"), ("false", "false")],
        label="true: only assets whose bytes another asset has too (the first one included)",
    )
    taken_after = UtcDateTimeFilter(
        field_name="captured_at", lookup_expr="gte", label="Taken at or after (captured_at)"
    )
    taken_before = UtcDateTimeFilter(
        field_name="captured_at", lookup_expr="lte", label="Taken at or before (captured_at)"
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lte")
    ordering = StableOrderingFilter(
        fields=("created_at", "captured_at", "title", "file_size"),
        extra_choices=[(RELEVANCE, "Best match first (with q; the default then)")],
    )

    class Meta:
        model = Asset
        fields: list[str] = []

    def with_tags(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        names = self.data.getlist("tag") if hasattr(self.data, "getlist") else [value]
        return tags.with_all_tags(queryset, names)

    def only_duplicates(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        return duplicates.with_duplicates(queryset) if value == "true" else queryset

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        ordering = self.data.get("ordering")
        ranked = self.ranks and ordering in (None, "", RELEVANCE)
        return search_assets(queryset, value, ranked=ranked)

    # Whether a search orders by relevance (the list) or only finds (facets, bulk actions).
    ranks = True


class UnorderedAssetFilter(AssetFilter):
    """The list's filters where only which assets count, not their order."""

    ranks = False
