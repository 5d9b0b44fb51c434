"""Collections (albums): assets gathered by hand. Views and bulk actions come here; removing a
collection or an asset from one never removes an asset."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from assets import selectors
from assets.library import rows
from assets.models import Asset, Collection, CollectionMembership
from assets.realtime.asset_events import announce_changed_many
from mam.errors import InvalidInput, NotFound
from mam.id_lists import ids_parameter, ids_table

MAX_NAME_CHARS = 120
MAX_DESCRIPTION_CHARS = 2000
_SPACES = re.compile(r"\s+")


def listed() -> QuerySet[Collection]:
    """Collections with `asset_count` and `first_asset_id` (the cover unless one is chosen)."""
    first = (
        CollectionMembership.objects.filter(collection=OuterRef("pk"))
        .order_by("added_at", "id")
        .values("asset_id")[:1]
    )
    return Collection.objects.annotate(
        asset_count=Count("assets", distinct=True), first_asset_id=Subquery(first)
    )


def get(collection_id: int) -> Collection:
    found = listed().filter(pk=collection_id).first()
    if found is None:
        raise NotFound("Collection not found", collection_id=collection_id)
    return found


def _clean_name(raw: Any) -> str:
    name = _SPACES.sub(" ", raw).strip() if isinstance(raw, str) else ""
    if not name:
        raise InvalidInput("A collection needs a name", fields={"name": str(raw)[:200]})
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            f"A collection's name has at most {MAX_NAME_CHARS} characters",
            fields={"name": name[:200]},
        )
    return name


def create(*, name: str, description: str = "") -> Collection:
    made = Collection.objects.create(name=_clean_name(name), description=description.strip())
    return get(made.pk)


def change(
    collection_id: int,
    *,
    name: str | None = None,
    description: str | None = None,
    cover: int | bool | None = False,
) -> Collection:
    """Renames, describes, or sets the cover (an asset of the collection; None: the first).

    A new name reaches open browsers as an `asset_update` of each member's `collections`.
    """
    collection = get(collection_id)
    renamed = False
    if name is not None:
        cleaned = _clean_name(name)
        renamed = cleaned != collection.name
        collection.name = cleaned
    if description is not None:
        collection.description = description.strip()
    if cover is not False:
        if cover is not None and not collection.assets.filter(pk=cover).exists():
            raise InvalidInput(
                "The cover must be an asset of the collection",
                fields={"cover": cover},
                collection_id=collection_id,
            )
        collection.cover_id = cover
    with transaction.atomic():
        collection.save()
        if renamed:
            _announce(list(collection.assets.values_list("id", flat=True)))
    return get(collection_id)


def delete(collection_id: int) -> list[int]:
    """Removes the collection (its assets stay); returns the assets that were in it."""
    collection = get(collection_id)
    with transaction.atomic():
        members = list(collection.assets.values_list("id", flat=True))
        collection.delete()
        _announce(members)
    return members


def add(collection_id: int, asset_ids: Sequence[int]) -> list[int]:
    """Adds the assets that exist and are not in it yet; returns those added."""
    collection = get(collection_id)
    with transaction.atomic():
        new = sorted(_insert_members(collection.pk, asset_ids))
        if new:
            collection.save(update_fields=["updated_at"])
            _announce(new)
    return new


def _insert_members(collection_id: int, asset_ids: Sequence[int]) -> list[int]:
    """One INSERT ... SELECT of the ids that name an asset, skipping those already in the
    collection, returning the ids it added: reading which exist and which are in already, then
    a model instance per row, cost a fifth of a 10,000-asset bulk add on PostgreSQL."""
    table = connection.ops.quote_name(CollectionMembership._meta.db_table)
    assets = connection.ops.quote_name(Asset._meta.db_table)
    # Only the models' own table names, quoted, go into the text; values are parameters.
    sql = (
        f"INSERT INTO {table} (collection_id, asset_id, added_at) "
        f"SELECT %s, a.id, %s FROM {assets} a "
        f"WHERE a.id IN (SELECT value FROM {ids_table(connection)}) "
        "ON CONFLICT DO NOTHING RETURNING asset_id"
    )
    added_at = CollectionMembership._meta.get_field("added_at").get_db_prep_save(
        timezone.now(), connection
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [collection_id, added_at, ids_parameter(connection, asset_ids)])
        return [int(row[0]) for row in cursor.fetchall()]


def remove(collection_id: int, asset_ids: Sequence[int]) -> list[int]:
    """Takes the assets out of the collection (never deletes them); returns those removed."""
    collection = get(collection_id)
    with transaction.atomic():
        members = CollectionMembership.objects.filter(collection=collection, asset_id__in=asset_ids)
        gone = sorted(members.values_list("asset_id", flat=True))
        members.delete()
        if gone:
            if collection.cover_id in gone:
                collection.cover = None
            collection.save(update_fields=["updated_at", "cover"])
            _announce(gone)
    return gone


def _announce(asset_ids: Sequence[int]) -> None:
    """Each asset's collections as they are now (after this change): their names written to
    `collection_names`, which search reads, and announced as `asset_update`."""
    now = selectors.collections_of(asset_ids)
    rows.update_each(
        "collection_names", {i: "\n".join(c["name"] for c in now.get(i, [])) for i in asset_ids}
    )
    announce_changed_many({i: {"collections": now.get(i, [])} for i in asset_ids})
