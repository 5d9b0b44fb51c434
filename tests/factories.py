"""factory_boy factories: database rows for tests that need an asset, not a real file."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from assets.ingest.mediatypes import JPEG
from assets.models import Asset, AssetStatus


class AssetFactory(DjangoModelFactory[Asset]):
    """A registered JPEG; pass file_path, status, media_metadata... to shape it."""

    class Meta:
        model = Asset

    file_path = factory.Sequence(lambda n: f"library/{n:05d}.jpg")
    title = factory.LazyAttribute(lambda asset: asset.file_path.rsplit("/", 1)[-1].rsplit(".")[0])
    media_type = JPEG.kind
    mime_type = JPEG.mime_type
    file_size = 100
    status = AssetStatus.PENDING


def asset_for_file(path: Any, relative: str, **fields: Any) -> Asset:
    """An asset row for a file that exists under the media folder (its real size)."""
    fields.setdefault("file_size", path.stat().st_size)
    return AssetFactory(file_path=relative, **fields)
