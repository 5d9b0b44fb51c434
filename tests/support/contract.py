"""The contract's shapes, asserted the same way by every HTTP test."""

from __future__ import annotations

import re
from typing import Any

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def assert_error(response: Any, status: int, contains: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "timestamp", "context"}
    assert TIMESTAMP.match(body["timestamp"])
    assert contains.lower() in body["error"].lower()
    assert "/tmp/" not in response.content.decode() and "Traceback" not in body["error"]
    return dict(body)
