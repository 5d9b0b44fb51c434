"""Tags: the names people file assets under. Setting an asset's tags, finding assets by tag,
and suggesting tags as someone types. Views, the admin and bulk actions all come here."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from assets.models import Asset, Tag, tag_key
from assets.realtime.asset_events import announce_changed, announce_changed_many
from mam.errors import InvalidInput, NotFound

MAX_TAGS_PER_ASSET = 50
MAX_TAG_CHARS = 64
_SPACES = re.compile(r"\s+")


def clean_names(names: Any) -> list[str]:
    """The tags as stored: spaces collapsed, each once whatever its case (the first spelling
    kept), in alphabetical order. InvalidInput for anything that is not a list of names."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidInput("tags must be a list of names", fields={"tags": str(names)[:200]})
    seen: dict[str, str] = {}
    for raw in names:
        name = _SPACES.sub(" ", raw).strip()
        if not name:
            raise InvalidInput("A tag cannot be blank", fields={"tags": raw[:200]})
        if len(name) > MAX_TAG_CHARS:
            raise InvalidInput(
                f"A tag has at most {MAX_TAG_CHARS} characters", fields={"tags": name[:200]}
            )
        if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in name):
            raise InvalidInput(
                "A tag cannot hold control or unassigned characters", fields={"tags": name[:200]}
            )
        seen.setdefault(tag_key(name), name)
    if len(seen) > MAX_TAGS_PER_ASSET:
        raise InvalidInput(
            f"An asset has at most {MAX_TAGS_PER_ASSET} tags", fields={"tags": len(seen)}
        )
    return sorted(seen.values(), key=str.casefold)


def named(names: Sequence[str]) -> list[Tag]:
    """The tags of these (clean) names, created where missing."""
    found = {tag.key: tag for tag in Tag.objects.filter(key__in=[tag_key(n) for n in names])}
    tags = []
    for name in names:
        tag = found.get(tag_key(name))
        if tag is None:
            try:
                with transaction.atomic():  # a savepoint: a concurrent create is not fatal
                    tag = Tag.objects.create(name=name)
            except IntegrityError:
                tag = Tag.objects.get(key=tag_key(name))
        tags.append(tag)
    return tags


def set_tags(*, asset_id: int, names: Any) -> tuple[Asset, list[str]]:
    """Replaces the asset's tags; returns it and the tags it had. Every open library hears of
    a change (`asset_update` with `tags`) after commit."""
    cleaned = clean_names(names)
    with transaction.atomic():
        asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            raise NotFound("Asset not found", asset_id=asset_id)
        before = asset.tag_list
        tags = named(cleaned)
        asset.tags.set(tags)
        asset.tag_names = "\n".join(
            tag.name for tag in sorted(tags, key=lambda t: t.name.casefold())
        )
        asset.save(update_fields=["tag_names", "updated_at"])
        if asset.tag_list != before:
            announce_changed(asset.pk, tags=asset.tag_list)
    return asset, before


def add_keywords(*, asset_id: int, keywords: Sequence[str]) -> list[str]:
    """The photo's own keywords (assets.jobs.processing.keywords) added to the tags it has,
    never removing one, up to the limit; a keyword a tag cannot be (a control character, say)
    is left out. Returns the tags added."""
    usable = []
    for keyword in keywords:
        try:
            usable.extend(clean_names([keyword]))
        except InvalidInput:
            continue
    with transaction.atomic():
        asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            return []
        have = {tag_key(name) for name in asset.tag_list}
        room = MAX_TAGS_PER_ASSET - len(have)
        new = [name for name in usable if tag_key(name) not in have][: max(room, 0)]
        if new:
            set_tags(asset_id=asset_id, names=[*asset.tag_list, *new])
    return new


def refresh_names(asset: Asset) -> None:
    """Writes tag_names from the asset's tags (after the admin changed them directly)."""
    names = sorted((tag.name for tag in asset.tags.all()), key=str.casefold)
    if names != asset.tag_list:
        asset.tag_names = "\n".join(names)
        asset.save(update_fields=["tag_names", "updated_at"])
        announce_changed(asset.pk, tags=names)


def with_all_tags(queryset: QuerySet[Asset], names: Sequence[str]) -> QuerySet[Asset]:
    """The assets that have every one of the tags (any case); none if one does not exist."""
    wanted = {tag_key(_SPACES.sub(" ", n).strip()) for n in names if n.strip()}
    if not wanted:
        return queryset
    ids = list(Tag.objects.filter(key__in=wanted).values_list("id", flat=True))
    if len(ids) < len(wanted):
        return queryset.none()
    for tag_id in ids:
        queryset = queryset.filter(tags=tag_id)
    return queryset


def suggestions(prefix: str) -> QuerySet[Tag]:
    """Tags beginning with `prefix` (any case), the most used first, each with `asset_count`."""
    tags = Tag.objects.annotate(asset_count=Count("assets"))
    prefix = _SPACES.sub(" ", prefix).strip()
    if prefix:
        tags = tags.filter(key__startswith=tag_key(prefix))
    return tags.order_by("-asset_count", "key", "id")


def _rewrite_names(asset_ids: list[int]) -> None:
    """tag_names again from the tags themselves, for these assets (after a rename or delete)."""
    names: dict[int, list[str]] = {i: [] for i in asset_ids}
    link = Asset.tags.through
    for asset_id, name in link.objects.filter(asset_id__in=asset_ids).values_list(
        "asset_id", "tag__name"
    ):
        names[asset_id].append(name)
    changed = []
    for asset in Asset.objects.filter(pk__in=asset_ids).only("id", "tag_names"):
        asset.tag_names = "\n".join(sorted(names[asset.pk], key=str.casefold))
        asset.updated_at = timezone.now()
        changed.append(asset)
    Asset.objects.bulk_update(changed, ["tag_names", "updated_at"], batch_size=500)
    announce_changed_many({a.pk: {"tags": a.tag_list} for a in changed})


def rename(tag: Tag, name: str) -> Tag:
    """Renames a tag everywhere it is used; a name another tag has is refused."""
    (clean,) = clean_names([name])
    other = Tag.objects.filter(key=tag_key(clean)).exclude(pk=tag.pk).first()
    if other is not None:
        raise InvalidInput(f"Another tag is already called {other.name}", fields={"tags": clean})
    with transaction.atomic():
        tag.name = clean
        tag.save()
        _rewrite_names(list(tag.assets.values_list("id", flat=True)))
    return tag


def delete(tag_ids: list[int]) -> int:
    """Removes the tags from every asset and deletes them; returns how many assets changed."""
    with transaction.atomic():
        asset_ids = sorted(
            set(
                Asset.tags.through.objects.filter(tag_id__in=tag_ids).values_list(
                    "asset_id", flat=True
                )
            )
        )
        Tag.objects.filter(pk__in=tag_ids).delete()
        _rewrite_names(asset_ids)
    return len(asset_ids)
