"""The HTTP server as clients meet it (mam.server: Daphne with Twisted's form parsing off)."""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path
from typing import Any

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
        headers={**live_system.headers, "Content-Type": content_type},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"error", "timestamp", "context"}


# Bodies over the cap are refused before they are read (mam/server.py)


def raw_request(system: LiveSystem, head: str, body: bytes = b"") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", system.port), timeout=10)
    conn.sendall(head.encode() + body)
    return conn


def read_response(conn: socket.socket) -> tuple[int, dict[str, Any], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest


def request_head(system: LiveSystem, length: int | None, *extra: str) -> str:
    lines = [
        "POST /api/v1/assets HTTP/1.1",
        f"Host: 127.0.0.1:{system.port}",
        f"Authorization: {system.headers['Authorization']}",
        "Content-Type: application/json",
        *extra,
    ]
    lines.append(
        f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    )
    return "\r\n".join(lines) + "\r\n\r\n"


@pytest.mark.parametrize("expect", [False, True], ids=["plain", "expect-100-continue"])
def test_a_body_over_the_cap_is_refused_from_its_headers(
    live_system: LiveSystem, expect: bool
) -> None:
    extra = ["Expect: 100-continue"] if expect else []
    conn = raw_request(live_system, request_head(live_system, 1024**3, *extra))
    with conn:
        status, headers, body = read_response(conn)
    assert status == 413  # and not "100 Continue": the body is never asked for
    assert headers["content-type"] == "application/json"
    error = json.loads(body)
    assert set(error) == {"error", "timestamp", "context"}
    assert "/api/v1/uploads" in error["error"]
    assert error["context"]["max_request_bytes"] == 8 * 1024**2


def test_a_chunked_body_growing_past_the_cap_is_refused(live_system: LiveSystem) -> None:
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    conn = raw_request(live_system, request_head(live_system, None))
    with conn:
        with contextlib.suppress(OSError):  # the server may stop reading once it answered
            for _ in range(200):  # 12.5 MiB
                conn.sendall(chunk)
        status, _, body = read_response(conn)
    assert status == 413
    assert json.loads(body)["context"]["max_request_bytes"] == 8 * 1024**2


def peak_rss(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_refused_bodies_cost_the_server_no_memory(live_system: LiveSystem) -> None:
    """Four whole 48 MiB bodies: Daphne used to queue each in memory for the application
    (django/daphne#483); now its peak memory does not move."""
    assert live_system.server is not None
    before = peak_rss(live_system.server.pid)
    block = b"\0" * (1024 * 1024)
    for _ in range(4):
        conn = raw_request(live_system, request_head(live_system, 48 * 1024**2))
        with conn, contextlib.suppress(OSError):
            for _ in range(48):
                conn.sendall(block)
            assert read_response(conn)[0] == 413
    grown = peak_rss(live_system.server.pid) - before
    assert grown < 24 * 1024**2, f"Daphne's peak grew by {grown / 1024**2:.0f} MiB"
    with live_system.client() as client:
        assert client.get("/api/v1/assets").status_code == 200  # and it still serves
