"""A video Chromium cannot play, end to end: a real worker makes its proxy and scrub strip, and
the server hands them to a player the way it asks for them."""

from __future__ import annotations

import struct

import pytest

from tests.media import make_video
from tests.support.live import LiveSystem

pytestmark = pytest.mark.integration


def test_an_mjpeg_avi_becomes_a_seekable_proxy_and_a_scrub_strip(live_system: LiveSystem) -> None:
    live = live_system
    make_video(live.media / "playback" / "camera.avi", seconds=2, size=(320, 240), fps=10)
    response = live.register("playback/camera.avi")
    assert response.status_code == 201, response.text
    asset = live.wait_for(response.json()["id"])
    meta = asset["media_metadata"]
    assert asset["status"] == "ready" and "renditions_missing" not in meta, asset
    assert meta["browser_playable"] is False
    with live.client() as client:
        # What a <video> element sends first, then a seek.
        head = client.get(meta["proxy_url"], headers={"Range": "bytes=0-"})
        assert head.status_code == 206, head.text
        assert head.headers["content-type"] == "video/mp4"
        assert head.headers["accept-ranges"] == "bytes"
        size = int(head.headers["content-range"].rsplit("/", 1)[1])
        _, first_box = struct.unpack(">I4s", head.content[:8])
        assert first_box == b"ftyp"
        seek = client.get(meta["proxy_url"], headers={"Range": f"bytes={size // 2}-"})
        assert seek.status_code == 206 and len(seek.content) == size - size // 2
        vtt = client.get(meta["scrub_vtt_url"])
        assert vtt.status_code == 200
        assert vtt.headers["content-type"].startswith("text/vtt")
        assert vtt.text.startswith("WEBVTT")
        sprite_name = vtt.text.split("\n")[3].split("#xywh=")[0]
        sprite = client.get(f"/thumbnails/{sprite_name}")
        assert sprite.status_code == 200 and sprite.headers["content-type"] == "image/jpeg"
        assert "immutable" in sprite.headers["cache-control"]
