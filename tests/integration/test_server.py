"""The HTTP server as clients meet it (mam.server: Daphne with Twisted's form parsing off)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.live import LiveSystem

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"garbage"),  # no boundary at all
        ("multipart/form-data; boundary=xx", b"--yy\r\nnot a part\r\n"),
        ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data\r\n"),
    ],
    ids=["no-boundary", "wrong-boundary", "truncated"],
)
def test_a_malformed_multipart_body_gets_the_contract_error_not_a_bare_400(
    live_system: LiveSystem, content_type: str, body: bytes
) -> None:
    response = httpx.post(
        f"{live_system.base_url}/api/v1/assets",
        content=body,
        headers={"Content-Type": content_type},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"error", "timestamp", "context"}
