"""Videos in the browser's viewer: an MJPEG AVI, which Chromium cannot play, plays from the
H.264 proxy the worker made (its time advances), and hovering the seek strip shows the frame of
that moment from the scrub sprite."""

from __future__ import annotations

import re
import secrets
import string

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import wait_all
from tests.media import make_video
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def test_an_mjpeg_avi_plays_from_its_proxy_and_the_seek_strip_previews_frames(
    page: Page, system: LiveSystem
) -> None:
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    title = f"Camera {word}"
    name = f"player-{word}/camera.avi"
    make_video(system.media / name, seconds=4.0, size=(640, 360), fps=10)
    response = system.register(name, title=title)
    assert response.status_code == 201, response.text
    asset = response.json()
    wait_all(system, [asset["id"]], timeout=120)
    metadata = system.asset(asset["id"])["media_metadata"]
    assert metadata["browser_playable"] is False, metadata
    proxy_url = metadata["proxy_url"]

    page.goto(f"/?q={word}&asset={asset['id']}")
    detail = page.get_by_role("dialog", name=title)
    video = detail.get_by_label(f"Video: {title}")
    expect(video).to_have_attribute("src", proxy_url)
    # Muted, so headless Chromium's autoplay rules allow play() without a gesture.
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "v => v.currentTime > 0.5 && v.videoWidth > 0", arg=video.element_handle()
    )
    assert video.evaluate("v => v.videoWidth") == 640

    strip = detail.get_by_role("slider", name="Seek, with a preview of each moment")
    box = strip.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    preview = detail.get_by_test_id("scrub-preview")
    expect(preview).to_be_visible()
    expect(preview).to_have_css("background-image", re.compile(r"/thumbnails/[^/]+-scrub-v1\.jpg"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer_video.png"))
