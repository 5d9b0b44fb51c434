"""The consumer's protocol tests run in the open mode: who may connect is tested in
tests/accounts/test_websocket_access.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def open_mode(settings: object) -> None:
    settings.MAM_AUTH_ENABLED = False  # type: ignore[attr-defined]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "mam.example"]  # type: ignore[attr-defined]
