"""Writing one column of many assets, each its own value, fast.

Django's bulk_update builds one CASE WHEN per row and resolves it as an expression tree: 0.8 s
for 500 rows here, most of a bulk tag of 10,000 assets. The values a bulk change writes are
mostly the same few (every asset tagged "beach" that had no tags gets "beach"), so one UPDATE
per distinct value is a handful of statements instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from assets.models import Asset

# Ids in one `id IN (...)`: under SQLite's 999 parameters with room for the values.
IDS_PER_UPDATE = 900


def update_each(field: str, values: Mapping[int, Any], **common: Any) -> None:
    """Sets `field` of each asset id to its value (and `common` fields on all of them)."""
    by_value: dict[Any, list[int]] = defaultdict(list)
    for asset_id, value in values.items():
        by_value[value].append(asset_id)
    for value, ids in by_value.items():
        for start in range(0, len(ids), IDS_PER_UPDATE):
            Asset.objects.filter(pk__in=ids[start : start + IDS_PER_UPDATE]).update(
                **{field: value}, **common
            )
