"""The resumable upload from outside, with a tus client as scripts use one (tuspy): a file
larger than any one request may be arrives in chunks, survives a server restart midway
without starting over, and is processed live like any upload."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PIL import Image
from tusclient.client import TusClient

from tests.support.live import LiveSystem, start_live_system

pytestmark = pytest.mark.integration

CHUNK = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> LiveSystem:
    live = start_live_system(tmp_path_factory.mktemp("tus"))
    yield live  # type: ignore[misc]
    live.stop()


def noise_png(path: Path, side: int = 2600) -> Path:
    """About 20 MB that no compressor shrinks: bigger than the 8 MiB request cap."""
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path)
    return path


def tus(system: LiveSystem) -> TusClient:
    return TusClient(f"{system.base_url}/api/v1/uploads", headers=dict(system.headers))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def asset_of(system: LiveSystem, url: str) -> int:
    with system.client() as client:
        state = client.get(url, headers={"Accept": "application/json"}).json()
    assert state["offset"] == state["length"]
    return int(state["asset_id"])


def test_a_file_larger_than_any_request_arrives_in_chunks_and_is_processed(
    system: LiveSystem, tmp_path: Path
) -> None:
    source = noise_png(tmp_path / "noise.png")
    assert source.stat().st_size > 2 * CHUNK
    uploader = tus(system).uploader(
        str(source), chunk_size=CHUNK, metadata={"filename": "noise.png", "title": "Noise"}
    )
    uploader.upload()
    asset = system.wait_for(asset_of(system, uploader.url))
    assert asset["status"] == "ready", asset
    assert asset["title"] == "Noise" and asset["media_metadata"]["width"] == 2600
    assert sha256(system.media / asset["file_path"]) == sha256(source)


def test_an_upload_cut_by_a_server_restart_resumes_where_it_stopped(
    system: LiveSystem, tmp_path: Path
) -> None:
    source = noise_png(tmp_path / "restart.png")
    first = tus(system).uploader(str(source), chunk_size=CHUNK, metadata={"filename": "r.png"})
    first.upload_chunk()
    first.upload_chunk()
    assert first.offset == 2 * CHUNK
    assert system.server is not None
    system.server.kill()
    system.server.wait(10)
    system.start_server()
    # A new client (as after a reload) finds the offset from the server and goes on.
    again = tus(system).uploader(str(source), chunk_size=CHUNK, url=first.url)
    assert again.get_offset() == 2 * CHUNK
    sent = []
    while again.offset < again.get_file_size():
        again.upload_chunk()
        sent.append(again.offset)
    assert len(sent) == -(-(source.stat().st_size - 2 * CHUNK) // CHUNK)  # not from zero
    asset = system.wait_for(asset_of(system, again.url))
    assert asset["status"] == "ready"
    assert sha256(system.media / asset["file_path"]) == sha256(source)
