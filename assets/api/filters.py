"""The list's filters and orderings (django-filter), each backed by an index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.utils.datastructures import MultiValueDict
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from assets.library import duplicates, tags
from assets.library.media_columns import MAX_PIXELS_EDGE
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


class ScannedColumn(Func):
    """A column compared without letting SQLite search an index for it (its unary `+`,
    SQLite's documented way to disqualify a term); PostgreSQL gets the plain column.

    SQLite keeps no range statistics (no STAT4): it guesses that a range keeps a few rows, and
    once ANALYZE has run it reads the whole range from the column's index and sorts it for
    the page (130 ms for min_height=2000 at 100,000 assets). Walking the ordering's index and
    skipping the rows that miss finds a page in a few ms; counts still read the column's
    narrow index whole, never the table. PostgreSQL knows the range's size and chooses."""

    arity = 1
    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


class MediaRangeFilter(django_filters.NumberFilter):
    """A bound on a media column (assets.library.media_columns); unknown values (null, not
    processed) never match."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=0, **kwargs)

    def get_max_validator(self) -> None:
        """None: django-filter's own ceiling (1e50, a guard for decimals) is not in the
        schema; pixels state theirs, and any finite number of seconds compares fine."""
        return None

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        scanned = f"{self.field_name}_{self.lookup_expr}_scanned"
        bounded: QuerySet[Any] = qs.alias(**{scanned: ScannedColumn(self.field_name)})
        return bounded.filter(**{f"{scanned}__{self.lookup_expr}": value})


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_PIXELS_EDGE})
class PixelsFilter(MediaRangeFilter):
    """A number of pixels: a whole number from 0 to the column's ceiling (past it is a 400,
    not a database overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, max_value=MAX_PIXELS_EDGE, **kwargs)


@extend_schema_field({"type": "number", "minimum": 0})
class SecondsFilter(MediaRangeFilter):
    """A number of seconds, fractions allowed: negative, infinite or not a number is a 400."""

    field_class = forms.FloatField


class RepeatedWidget(forms.TextInput):
    """Every value of a repeated query parameter (`camera=a&camera=b`), not only the last."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if isinstance(data, MultiValueDict):
            return list(data.getlist(name))
        value = data.get(name)
        return (
            []
            if value is None
            else [str(v) for v in value]
            if isinstance(value, list)
            else [str(value)]
        )


class TextListField(forms.Field):
    """Each value checked as a form's text is (no NUL), blanks dropped: [] is no filter."""

    widget = RepeatedWidget

    def clean(self, value: Any) -> list[str]:
        text = forms.CharField(required=False)
        cleaned = [text.clean(v) for v in (value or [])]
        return [v for v in cleaned if v]


@extend_schema_field(
    {
        "type": "array",
        "maxItems": 100,  # MAX_CAMERAS
        "items": {"type": "string", "pattern": "^[^\\u0000]*$"},
    }
)
class RepeatedTextFilter(django_filters.Filter):
    """Free text that may be repeated; the filter's method gets all the values."""

    field_class = TextListField


# How many cameras one request may ask for (camera=a&camera=b...).
MAX_CAMERAS = 100

ORIENTATIONS = {
    "landscape": Q(width__gt=F("height")),
    "portrait": Q(height__gt=F("width")),
    "square": Q(width=F("height")),
}


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
    camera = RepeatedTextFilter(
        method="by_camera",
        label='The camera ("Make Model" as the facets list it, any case); repeat the '
        "parameter for any of several",
    )
    min_width = PixelsFilter(
        field_name="width", lookup_expr="gte", label="At least this many pixels wide"
    )
    min_height = PixelsFilter(
        field_name="height", lookup_expr="gte", label="At least this many pixels high"
    )
    min_duration = SecondsFilter(
        field_name="duration",
        lookup_expr="gte",
        label="Lasts at least this many seconds (videos and animations)",
    )
    max_duration = SecondsFilter(
        field_name="duration",
        lookup_expr="lte",
        label="Lasts at most this many seconds (videos and animations)",
    )
    orientation = django_filters.ChoiceFilter(
        method="by_orientation",
        choices=[(name, name) for name in ORIENTATIONS],
        label="landscape: wider than high; portrait: higher than wide; square: as wide as "
        "high (as displayed; unprocessed assets are none of them)",
    )
    has_audio = django_filters.ChoiceFilter(
        method="by_audio",
        choices=[("true", "true"), ("false", "false")],
        label="true: videos with a sound track; false: videos without (pictures are neither)",
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

    def by_camera(self, queryset: QuerySet[Asset], name: str, value: list[str]) -> QuerySet[Asset]:
        cameras = list(dict.fromkeys(value))
        if len(cameras) > MAX_CAMERAS:
            raise InvalidInput(
                f"At most {MAX_CAMERAS} cameras at once", fields={"camera": len(cameras)}
            )
        # Both sides folded by the database, as the (lower(camera), ...) index is; one camera
        # is an equality, which reads that index in the list's order.
        folded = [Lower(Value(camera)) for camera in cameras]
        wanted = Q(camera_key=folded[0]) if len(folded) == 1 else Q(camera_key__in=folded)
        return queryset.alias(camera_key=Lower("camera")).filter(wanted)

    def by_orientation(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        return queryset.filter(ORIENTATIONS[value])

    def by_audio(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        # `has_audio = 1`, which SQLite reads from the (has_audio, ...) index; a bare True
        # would be written as `WHERE has_audio`, which it cannot.
        return queryset.filter(has_audio=Value(value == "true"))

    def search(self, queryset: QuerySet[Asset], name: str, value: str) -> QuerySet[Asset]:
        ordering = self.data.get("ordering")
        ranked = self.ranks and ordering in (None, "", RELEVANCE)
        return search_assets(queryset, value, ranked=ranked)

    # Whether a search orders by relevance (the list) or only finds (facets, bulk actions).
    ranks = True


class UnorderedAssetFilter(AssetFilter):
    """The list's filters where only which assets count, not their order."""

    ranks = False
