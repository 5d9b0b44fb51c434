"""A folder import on a real system: started over HTTP, run by a real worker, followed live on
/ws through `import_update`, its assets processed to ready."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from websockets.sync.client import connect

from tests.media import make_jpeg, make_png
from tests.support.live import LiveSystem

pytestmark = pytest.mark.integration


def test_a_folder_imported_over_http_is_followed_live_and_ends_ready(
    live_system: LiveSystem,
) -> None:
    folder = live_system.media / "imported trip"
    make_jpeg(folder / "one.jpg")
    make_png(folder / "nested" / "two.png")
    (folder / "broken.jpg").write_bytes(b"not a picture at all")
    (folder / "readme.txt").write_text("ignored")

    with connect(
        live_system.ws_url, additional_headers=live_system.ws_headers, open_timeout=10
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "connection"
        ws.send(json.dumps({"type": "ping"}))  # no resume is coming
        with live_system.client() as client:
            started = client.post("/api/v1/imports", json={"path": "imported trip"})
        assert started.status_code == 201, started.text
        job_id = started.json()["id"]

        updates: list[dict[str, Any]] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                message = json.loads(ws.recv(timeout=1))
            except TimeoutError:
                continue
            if message["type"] == "import_update" and message["data"]["id"] == job_id:
                updates.append(message)
                if message["data"]["status"] in {"done", "failed", "cancelled"}:
                    break
        else:
            raise AssertionError(
                f"the import did not end: {updates[-3:]}\n{live_system.log_tails()}"
            )

    seqs = [u["seq"] for u in updates]
    assert seqs == sorted(seqs)
    final = updates[-1]["data"]
    assert final["status"] == "done", final
    assert final["counts"] == {
        "seen": 4,
        "added": 2,
        "skipped": 0,
        "ignored": 1,
        "rejected": 1,
        "excluded": 0,
    }
    assert final["total"] == 4 and "rejections" not in final

    with live_system.client() as client:
        job = client.get(f"/api/v1/imports/{job_id}").json()
        assert [r["path"] for r in job["rejections"]] == ["imported trip/broken.jpg"]
        assets = client.get("/api/v1/assets", params={"q": "imported"}).json()["items"]
    paths = sorted(a["file_path"] for a in assets)
    assert paths == ["imported trip/nested/two.png", "imported trip/one.jpg"]
    for asset in assets:
        assert live_system.wait_for(asset["id"])["status"] == "ready"
