"""The list's created_after/created_before take back the created_at it writes, to the
microsecond and inclusive at both ends: how the UI fetches many finished assets again in one
request (frontend/src/services/assetBatch.ts) without a filter by id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from assets.models import Asset
from tests.factories import AssetFactory

pytestmark = pytest.mark.django_db


def test_a_range_between_two_written_created_at_values_lists_exactly_the_assets_between(
    client: Client,
) -> None:
    start = datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
    ids = []
    for n in range(5):
        asset = AssetFactory()
        Asset.objects.filter(pk=asset.pk).update(created_at=start + timedelta(microseconds=n))
        ids.append(asset.pk)

    def written(asset_id: int) -> str:
        body: dict[str, Any] = client.get(f"/api/v1/assets/{asset_id}").json()
        return str(body["created_at"])

    response = client.get(
        "/api/v1/assets",
        {
            "created_after": written(ids[1]),
            "created_before": written(ids[3]),
            "ordering": "created_at",
            "page_size": 100,
        },
    )
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["items"]] == ids[1:4]
