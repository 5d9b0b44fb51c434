"""Shared fixtures: every test gets its own media and data directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from mam.config import Config


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object) -> Path:
    """MEDIA_PATH and DATA_DIR in a temp dir for every test; yields the media root."""
    media = tmp_path / "media"
    data = tmp_path / "data"
    incoming = media / Config.UPLOAD_SUBDIR / ".incoming"
    incoming.mkdir(parents=True)
    (data / "thumbnails").mkdir(parents=True)
    monkeypatch.setattr(Config, "MEDIA_BASE_PATH", media)
    monkeypatch.setattr(Config, "DATA_DIR", data)
    monkeypatch.setattr(Config, "THUMBNAIL_DIR", data / "thumbnails")
    settings.FILE_UPLOAD_TEMP_DIR = str(incoming)  # type: ignore[attr-defined]
    return media


@pytest.fixture
def thumbnail_dir() -> Path:
    return Config.THUMBNAIL_DIR
