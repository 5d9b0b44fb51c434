"""Search: which assets a free-text query `q` finds. The one place the list, and later the
admin and the UI's search box, ask it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from assets.models import Asset


def search_assets(queryset: QuerySet[Asset], query: str) -> QuerySet[Asset]:
    """Assets whose title or path contains the query (case-insensitive); all for a blank one."""
    query = query.strip()
    if not query:
        return queryset
    return queryset.filter(Q(title__icontains=query) | Q(file_path__icontains=query))
