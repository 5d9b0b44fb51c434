"""The media columns: the rules that copy them out of the metadata, and migration 0012 that
filled them once for the assets processed before, in batches."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.library.media_columns import media_columns
from assets.models import Asset, AssetStatus, MediaType

fill_migration: Any = importlib.import_module("assets.migrations.0012_fill_media_columns")

PHOTO = {"width": 4032, "height": 3024, "format": "JPEG", "camera": "Apple iPhone 15 Pro"}
VIDEO = {"width": 1080, "height": 1920, "duration": 12.48, "codec": "h264", "has_audio": True}
GIF = {"width": 64, "height": 48, "frame_count": 3, "duration": 0.3}


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (PHOTO, (4032, 3024, None, None, "Apple iPhone 15 Pro")),
        (VIDEO, (1080, 1920, 12.48, True, "")),
        ({**VIDEO, "has_audio": False}, (1080, 1920, 12.48, False, "")),
        (GIF, (64, 48, 0.3, None, "")),
        ({}, (None, None, None, None, "")),  # never processed
        # What no column can hold, or no extractor would write: unknown, never an error.
        ({"width": True, "height": -3, "duration": float("nan")}, (None, None, None, None, "")),
        ({"width": 2**40, "height": "1080", "duration": -1}, (None, None, None, None, "")),
        ({"duration": 5, "has_audio": "yes", "camera": 42}, (None, None, 5.0, None, "")),
        ({"camera": "  Canon EOS R5  "}, (None, None, None, None, "Canon EOS R5")),
        ({"camera": "x" * 300}, (None, None, None, None, "x" * 120)),
    ],
)
def test_the_columns_are_what_the_metadata_says(
    metadata: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    found = media_columns(metadata)
    names = ("width", "height", "duration", "has_audio", "camera")
    assert tuple(found[name] for name in names) == expected


@pytest.mark.parametrize("metadata", [PHOTO, VIDEO, GIF, {}, {"width": True, "camera": 3}])
def test_the_migration_follows_the_same_rules(metadata: dict[str, Any]) -> None:
    assert fill_migration.columns_of(metadata) == media_columns(metadata)


def test_the_migration_fills_the_assets_processed_before_in_batches(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    kinds = [(PHOTO, MediaType.IMAGE), (VIDEO, MediaType.VIDEO), (GIF, MediaType.IMAGE), ({}, "")]
    Asset.objects.bulk_create(
        Asset(
            title=f"a{i}",
            file_path=f"f/{i}",
            media_type=kind or MediaType.IMAGE,
            mime_type="image/jpeg",
            file_size=1,
            status=AssetStatus.READY if metadata else AssetStatus.PENDING,
            media_metadata=metadata,
        )
        for i, (metadata, kind) in enumerate(kinds * 5)  # 20 rows, 5 never processed
    )
    monkeypatch.setattr(fill_migration, "BATCH", 6)
    editor = SimpleNamespace(connection=connection)
    with CaptureQueriesContext(connection) as captured:
        fill_migration.fill(apps, editor)
    # 4 reads of 6, 6, 6 and 2 rows and an empty one, and a write per batch with work:
    # never a query per row.
    assert len(captured) <= 5 + 4 * 2, [q["sql"][:80] for q in captured]
    for row in Asset.objects.all():
        expected = media_columns(row.media_metadata)
        assert {name: getattr(row, name) for name in expected} == expected, row.title
    assert Asset.objects.filter(camera="Apple iPhone 15 Pro").count() == 5
    assert Asset.objects.filter(has_audio=True, duration=12.48).count() == 5
    assert Asset.objects.filter(width__isnull=True).count() == 5
    # Run twice (a migration re-applied after a rollback): the same.
    fill_migration.fill(apps, editor)
    assert Asset.objects.filter(camera="Apple iPhone 15 Pro").count() == 5
