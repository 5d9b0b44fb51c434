"""Bulk actions: one action on many assets, named by id or by the list's filters.

Work goes in batches of BATCH assets, one transaction each: a failure midway leaves whole
batches done and the rest untouched, never half a batch. Each batch's changes are announced
(`asset_update`, `asset_deleted`) after it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assets import services
from assets.library import collections, rows, tags
from assets.models import Asset, Tag, tag_key
from assets.realtime.asset_events import announce_changed_many
from mam.errors import NotFound

BATCH = 500


@dataclass
class Outcome:
    matched: int = 0
    changed: int = 0
    changed_ids: list[int] | None = None

    def add(self, matched: int, changed: Sequence[int]) -> None:
        self.matched += matched
        self.changed += len(changed)
        if self.changed_ids is not None:
            self.changed_ids.extend(changed)


def batches_of(assets: QuerySet[Asset]) -> Iterator[list[int]]:
    """The ids of the assets, BATCH at a time, by id (the set as it is when each batch is
    read: assets added meanwhile past the last id are included)."""
    last = 0
    ids = assets.order_by("id").values_list("id", flat=True)
    while batch := list(ids.filter(id__gt=last)[:BATCH]):
        yield batch
        last = batch[-1]


def batches_of_ids(ids: Sequence[int]) -> Iterator[list[int]]:
    """The given ids that name assets, BATCH at a time, by id: each batch one query with its
    own ids (not the whole list again for every batch, 75 ms each at 10,000 ids)."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        found = list(Asset.objects.filter(pk__in=chunk).order_by("id").values_list("id", flat=True))
        if found:
            yield found


def run(
    assets: QuerySet[Asset] | Sequence[int],
    action: Callable[[list[int]], list[int]],
) -> Outcome:
    """Applies `action` (ids -> the ids it changed) batch by batch, to the assets a filter
    finds or to those of a list of ids."""
    outcome = Outcome(changed_ids=[])
    batches = batches_of(assets) if isinstance(assets, QuerySet) else batches_of_ids(assets)
    for batch in batches:
        with transaction.atomic():
            outcome.add(len(batch), action(batch))
    return outcome


def tagger(names: Any, *, add: bool) -> Callable[[list[int]], list[int]]:
    """An action adding (or removing) these tags; names checked before anything runs."""
    cleaned = tags.clean_names(names)
    if add:
        chosen = tags.named(cleaned)
    else:
        chosen = list(Tag.objects.filter(key__in=[tag_key(n) for n in cleaned]))
    by_key = {tag_key(t.name): t for t in chosen}
    link = Asset.tags.through

    def apply(batch: list[int]) -> list[int]:
        if not by_key:
            return []
        locked = Asset.objects.select_for_update().filter(pk__in=batch).only("id", "tag_names")
        changed: list[Asset] = []
        for asset in locked:
            names = {tag_key(n): n for n in asset.tag_list}
            if add:
                merged = {**names, **{k: t.name for k, t in by_key.items() if k not in names}}
                if len(merged) > tags.MAX_TAGS_PER_ASSET:
                    continue  # would pass the limit: left as it is (not counted as changed)
            else:
                merged = {k: n for k, n in names.items() if k not in by_key}
            if merged.keys() != names.keys():
                asset.tag_names = "\n".join(sorted(merged.values(), key=str.casefold))
                changed.append(asset)
        ids = [a.pk for a in changed]
        tag_ids = [t.pk for t in by_key.values()]
        if add:
            link.objects.bulk_create(
                [link(asset_id=i, tag_id=t) for i in ids for t in tag_ids], ignore_conflicts=True
            )
        else:
            link.objects.filter(asset_id__in=ids, tag_id__in=tag_ids).delete()
        rows.update_each(
            "tag_names", {a.pk: a.tag_names for a in changed}, updated_at=timezone.now()
        )
        announce_changed_many({a.pk: {"tags": a.tag_list} for a in changed})
        return ids

    return apply


def collector(collection_id: int, *, add: bool) -> Callable[[list[int]], list[int]]:
    """An action adding the assets to (or taking them out of) a collection."""
    collection = collections.get(collection_id)  # NotFound before anything runs

    def apply(batch: list[int]) -> list[int]:
        if add:
            return collections.add(collection.pk, batch)
        return collections.remove(collection.pk, batch)

    return apply


def reprocess(batch: list[int]) -> list[int]:
    return [a.pk for a in services.reprocess_assets(Asset.objects.filter(pk__in=batch))]


def delete(batch: list[int]) -> list[int]:
    deleted = []
    for asset_id in batch:
        try:
            services.delete_asset(asset_id=asset_id)
        except NotFound:
            continue  # deleted meanwhile by someone else
        deleted.append(asset_id)
    return deleted
