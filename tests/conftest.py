"""Shared fixtures: every test gets its own media and data directories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from accounts.models import Role
from accounts.roles import create_user
from mam.config import Config
from tests.support.live import LiveSystem, start_live_system


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


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: object) -> None:
    """The real hasher costs seconds per user on a loaded machine; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def admin_user(db: None) -> Any:
    return create_user("admin-test", "admin-test-password", Role.ADMIN)


@pytest.fixture
def client(db: None, admin_user: Any) -> Client:
    """Django's test client, signed in as an admin: what most API tests need. Access itself
    is tested in tests/accounts with clients of every role."""
    signed_in = Client()
    signed_in.force_login(admin_user)
    return signed_in


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture(scope="session")
def live_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    """One real MAM (Daphne, a Celery worker of two processes, Redis, the database) shared by
    the integration and browser tests that need the default configuration and stop nothing.

    Started on first use; tests that kill or reconfigure parts start their own.
    """
    system = start_live_system(tmp_path_factory.mktemp("shared"), workers=1, concurrency=2)
    yield system
    system.stop()


@pytest.fixture
def thumbnail_dir() -> Path:
    return Config.THUMBNAIL_DIR


@pytest.fixture
def task_delay() -> Iterator[mock.MagicMock]:
    """No processing task reaches a broker; yields the mocked `delay` to assert on."""
    with mock.patch("assets.jobs.tasks.process_asset_task.delay") as delay:
        yield delay


@pytest.fixture
def quiet_events() -> Iterator[mock.MagicMock]:
    """No progress event is published; yields the mocked publisher."""
    with mock.patch("assets.realtime.events.publish_processing_update") as publish:
        yield publish
