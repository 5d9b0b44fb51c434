"""The worker copies what the list filters on (width, height, duration, has_audio, camera)
out of the metadata into the asset's columns, from real generated files."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from assets import services
from assets.jobs import worker
from assets.jobs.processing.pipeline import ProcessingResult
from assets.jobs.processing.thumbnails import Thumbnail
from assets.models import Asset
from tests.media import make_gif, make_jpeg, make_video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


def processed(media_root: Path, name: str) -> Asset:
    asset = services.register_asset(file_path=name)
    worker.process_asset(asset.pk)
    return Asset.objects.get(pk=asset.pk)


def columns(asset: Asset) -> tuple[object, ...]:
    return (asset.width, asset.height, asset.duration, asset.has_audio, asset.camera)


def test_a_photo_gets_its_size_as_shown_and_its_camera(media_root: Path) -> None:
    # Stored 640x480, shown upright as 480x640 (EXIF orientation 6): a portrait.
    make_jpeg(media_root / "p.jpg", orientation=6, camera=("Canon", "Canon EOS R5"))
    asset = processed(media_root, "p.jpg")
    assert asset.status == "ready"
    assert columns(asset) == (480, 640, None, None, "Canon Canon EOS R5")
    assert asset.camera == asset.media_metadata["camera"]


def test_a_photo_without_exif_has_no_camera(media_root: Path) -> None:
    make_jpeg(media_root / "plain.jpg", size=(300, 300))
    assert columns(processed(media_root, "plain.jpg")) == (300, 300, None, None, "")


def test_an_animation_has_a_duration(media_root: Path) -> None:
    make_gif(media_root / "a.gif", frames=4, frame_ms=100, size=(64, 48))
    assert columns(processed(media_root, "a.gif")) == (64, 48, 0.4, None, "")


@pytest.mark.parametrize("audio", [True, False])
def test_a_video_gets_its_size_duration_and_whether_it_has_sound(
    media_root: Path, audio: bool
) -> None:
    make_video(media_root / "v.mp4", seconds=0.6, size=(96, 64), fps=10, audio=audio)
    asset = processed(media_root, "v.mp4")
    assert asset.status == "ready"
    assert (asset.width, asset.height, asset.has_audio, asset.camera) == (96, 64, audio, "")
    assert asset.duration == pytest.approx(0.6, abs=0.1)
    assert asset.duration == asset.media_metadata["duration"]


def test_every_result_rewrites_the_columns(media_root: Path) -> None:
    """A reprocess of a file that lost its EXIF (edited elsewhere) drops the old camera."""
    make_jpeg(media_root / "e.jpg", camera=("NIKON", "D750"))
    asset = processed(media_root, "e.jpg")
    assert asset.camera == "NIKON D750"
    result = ProcessingResult(
        checksum="c" * 64,
        metadata={"width": 200, "height": 100, "format": "JPEG"},
        thumbnail=Thumbnail(name=f"{'c' * 64}-320.jpg", width=320, height=160),
    )
    assert worker._store_result(asset.pk, result)
    assert columns(Asset.objects.get(pk=asset.pk)) == (200, 100, None, None, "")
    assert not worker._store_result(asset.pk + 1000, result)  # deleted meanwhile
