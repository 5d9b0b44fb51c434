"""Sound in the browser's viewer: an .mp4 with sound and no picture (a phone's voice memo) is an
audio asset whose waveform shows over an <audio> player that plays (its time advances); an ALAC
.m4a, which Chromium cannot play, plays from the AAC proxy the worker made."""

from __future__ import annotations

import secrets
import string

import pytest
from playwright.sync_api import Page, expect

from tests.audio_media import make_audio
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.ui import wait_all
from tests.support.live import LiveSystem

pytestmark = pytest.mark.e2e


def _word() -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def _plays(page: Page, title: str, source: str) -> None:
    """The detail view's player has `source`, and its time advances once it is played."""
    detail = page.get_by_role("dialog", name=title)
    expect(detail.get_by_role("img", name=f"Waveform of {title}")).to_be_visible()
    audio = detail.get_by_label(f"Audio: {title}")
    expect(audio).to_have_attribute("src", source)
    assert audio.evaluate("a => a.tagName") == "AUDIO"
    # Muted, so headless Chromium's autoplay rules allow play() without a gesture.
    audio.evaluate("a => { a.muted = true; return a.play(); }")
    page.wait_for_function("a => a.currentTime > 0.5 && !a.error", arg=audio.element_handle())


def test_a_voice_memo_mp4_is_audio_and_plays_in_the_viewer(page: Page, system: LiveSystem) -> None:
    word = _word()
    title = f"Memo {word}"
    name = f"audio-{word}/memo.mp4"
    make_audio(system.media / name, seconds=4.0)
    response = system.register(name, title=title)
    assert response.status_code == 201, response.text
    asset = response.json()
    wait_all(system, [asset["id"]], timeout=120)
    stored = system.asset(asset["id"])
    assert stored["media_type"] == "audio" and stored["mime_type"] == "audio/mp4", stored
    assert stored["media_metadata"]["browser_playable"] is True

    page.goto(f"/?q={word}&asset={asset['id']}")
    _plays(page, title, f"/api/v1/assets/{asset['id']}/content")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viewer_audio.png"))


def test_an_alac_m4a_plays_from_its_aac_proxy(page: Page, system: LiveSystem) -> None:
    word = _word()
    title = f"Lossless {word}"
    name = f"audio-{word}/take.m4a"
    make_audio(system.media / name, seconds=4.0, codec=["-c:a", "alac"])
    response = system.register(name, title=title)
    assert response.status_code == 201, response.text
    asset = response.json()
    wait_all(system, [asset["id"]], timeout=120)
    metadata = system.asset(asset["id"])["media_metadata"]
    assert metadata["browser_playable"] is False, metadata

    page.goto(f"/?q={word}&asset={asset['id']}")
    _plays(page, title, metadata["proxy_url"])
