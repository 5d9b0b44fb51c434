"""Assets created, changed and deleted, announced to every /ws client once the change commits.

The services call these inside their transaction; the events leave through events.py (numbered,
retained, resumable like processing updates) only after commit, and not at all if it rolls
back: a client never hears of an asset the database does not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from assets.api.serializers import AssetSerializer
from assets.models import Asset
from assets.realtime import events


def announce_created(assets: Sequence[Asset]) -> None:
    """`asset_created` for each saved asset, carrying it as the API shows it (the list's card
    needs nothing more), in one round per events.PUBLISH_BATCH for a bulk registration.

    Called before processing is enqueued in the same transaction, so a client hears of an
    asset before its first `processing_update`.
    """
    if not assets:
        return
    # A new asset is in no collection and (not processed yet) nobody's duplicate: no query.
    context: dict[str, Any] = {"collections": {}, "originals": {}}
    # One serializer for the batch: DRF builds a serializer's fields from the model on first
    # use, and a serializer per asset made that 70% of a bulk import's time (200 files/s).
    shown = AssetSerializer(assets, many=True, context=context).data
    created = [
        events.asset_created(asset.pk, data) for asset, data in zip(assets, shown, strict=True)
    ]
    transaction.on_commit(lambda: events.publish_events(created))


def announce_changed(asset_id: int, **changes: Any) -> None:
    """`asset_update` with the fields that changed (a rename: `title`)."""
    if not changes:
        return
    update = events.asset_updated(asset_id, changes)
    transaction.on_commit(lambda: events.publish_events([update]))


def announce_changed_many(changes: dict[int, dict[str, Any]]) -> None:
    """`asset_update` for each asset of a bulk change, in rounds as for a bulk registration."""
    updates = [events.asset_updated(asset_id, fields) for asset_id, fields in changes.items()]
    if updates:
        transaction.on_commit(lambda: events.publish_events(updates))


def announce_deleted(asset_ids: Sequence[int]) -> None:
    """`asset_deleted` for each asset removed."""
    deleted = [events.asset_deleted(asset_id) for asset_id in asset_ids]
    if deleted:
        transaction.on_commit(lambda: events.publish_events(deleted))
