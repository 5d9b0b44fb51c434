"""Rate limits are kept in Redis: two server processes share one count, and a client cannot
dodge it with a made-up X-Forwarded-For."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mam.launcher import stop_all
from tests.bootstrap import free_port
from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    live = start_live_system(tmp_path_factory.mktemp("limits"), workers=0)
    yield live
    live.stop()


def failed_sign_in(base_url: str, forwarded_for: str) -> int:
    with httpx.Client(base_url=base_url, timeout=10) as browser:
        browser.get("/api/v1/auth/me")
        return browser.post(
            "/api/v1/auth/login",
            json={"username": "nobody", "password": "guess-guess-guess"},
            headers={
                "X-CSRFToken": browser.cookies["csrftoken"],
                "X-Forwarded-For": forwarded_for,  # made up: not from a trusted proxy
            },
        ).status_code


def test_two_server_processes_share_one_count(system: LiveSystem) -> None:
    second_port = free_port()
    second = system.start_server(port=second_port)
    try:
        urls = [system.base_url, f"http://127.0.0.1:{second_port}"]
        statuses = [failed_sign_in(urls[i % 2], f"198.51.100.{i}") for i in range(12)]
    finally:
        stop_all([second])
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
