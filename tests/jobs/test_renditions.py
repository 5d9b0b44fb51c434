"""Renditions beside the thumbnail: the preview the detail view shows and the blurhash the grid
paints first; each may fail alone, and they go with the asset."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from unittest import mock

import blurhash
import pytest
from PIL import Image, ImageStat

from assets import services
from assets.ingest.mediatypes import format_for_name
from assets.jobs import worker
from assets.jobs.processing.decoders import DecoderLimits
from assets.jobs.processing.errors import TransientProcessingError
from assets.jobs.processing.pipeline import ProcessingResult, SourceFile, process_file
from assets.jobs.processing.thumbnails import (
    PREVIEW_EDGE,
    preview_name,
    render_image,
    thumbnail_name,
)
from assets.models import Asset, AssetStatus
from mam.config import Config
from tests.media import make_jpeg, make_png, make_video

LIMITS = DecoderLimits(timeout=60, ffmpeg=Config.FFMPEG_BINARY, ffprobe=Config.FFPROBE_BINARY)


def process(path: Path, out: Path) -> ProcessingResult:
    fmt = format_for_name(path.name)
    st = path.stat()
    source = SourceFile(
        path=path,
        kind=fmt.kind.value,
        pillow_format=fmt.pillow_format,
        ffmpeg_demuxer=fmt.ffmpeg_demuxer,
        expected_size=st.st_size,
        expected_mtime_ns=st.st_mtime_ns,
    )
    return process_file(source, out, LIMITS, lambda stage, progress: None)


def opened(path: Path) -> Image.Image:
    with Image.open(path) as image:
        image.load()
    return image


def decoded(hash_: str, size: tuple[int, int]) -> Image.Image:
    """The placeholder a client paints for `hash_` at `size`."""
    rows = blurhash.decode(hash_, *size)
    return Image.frombytes("RGB", size, bytes(v for row in rows for pixel in row for v in pixel))


def is_blue(rgb: tuple[int, ...]) -> bool:
    return rgb[2] > 150 and rgb[0] < 110


def is_red(rgb: tuple[int, ...]) -> bool:
    return rgb[0] > 150 and rgb[2] < 110


# --- the preview ------------------------------------------------------------------------


def test_a_large_rotated_photo_gets_an_upright_preview_1600_long(tmp_path: Path) -> None:
    # Orientation 6: stored 2400x1800 landscape, shown as a 1800x2400 portrait.
    path = make_jpeg(tmp_path / "big.jpg", size=(2400, 1800), orientation=6)
    result = process(path, tmp_path / "out")
    assert result.preview is not None and not result.missing
    assert result.preview.name == preview_name(result.checksum)
    assert result.preview.name != result.thumbnail.name
    assert result.preview.name.startswith(f"{result.checksum}-{PREVIEW_EDGE}-v")
    preview = opened(tmp_path / "out" / result.preview.name)
    assert preview.format == "JPEG" and preview.mode == "RGB"
    assert preview.size == (result.preview.width, result.preview.height) == (1200, 1600)
    # The blue marker (stored top-left) is top-right once rotated clockwise.
    assert is_blue(preview.getpixel((preview.width - 20, 20)))
    assert is_red(preview.getpixel((20, preview.height - 20)))
    # The thumbnail, shrunk from the same decode, is upright too.
    thumb = opened(tmp_path / "out" / result.thumbnail.name)
    assert thumb.size == (240, 320)
    assert is_blue(thumb.getpixel((thumb.width - 5, 5)))


def test_a_24_megapixel_photo_preview_is_decoded_at_a_quarter_without_a_resample(
    tmp_path: Path,
) -> None:
    # 6000x4000 at 1/4 is 1500x1000: between PREVIEW_DECODE_EDGE and PREVIEW_EDGE, kept.
    path = make_jpeg(tmp_path / "camera.jpg", size=(6000, 4000))
    result = process(path, tmp_path / "out")
    assert result.preview is not None
    assert (result.preview.width, result.preview.height) == (1500, 1000)
    assert (result.thumbnail.width, result.thumbnail.height) == (320, 213)


def test_a_large_transparent_png_preview_is_flattened_on_white(tmp_path: Path) -> None:
    path = make_png(tmp_path / "alpha.png", size=(2000, 1000), mode="RGBA")
    result = process(path, tmp_path / "out")
    assert result.preview is not None
    preview = opened(tmp_path / "out" / result.preview.name)
    assert preview.size == (1600, 800)
    assert preview.getpixel((20, 20))[1] > 100  # the opaque green half
    assert preview.getpixel((preview.width - 20, 20)) == pytest.approx((255, 255, 255), abs=3)


def test_an_image_a_browser_shows_as_it_is_gets_no_preview_when_small(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "small.jpg", size=(1600, 1200), orientation=6)
    result = process(path, tmp_path / "out")
    assert result.preview is None and not result.missing
    assert not (tmp_path / "out" / preview_name(result.checksum)).exists()
    assert result.blurhash


def test_a_preview_is_never_upscaled() -> None:
    # A format browsers cannot show (here: none at all) gets a preview at any size.
    pixels = render_image(Image.new("RGB", (500, 300), (10, 200, 10)), preview=True)
    assert pixels.preview is not None and pixels.preview.size == (500, 300)
    assert pixels.thumbnail.size == (320, 192)


# --- the blurhash -----------------------------------------------------------------------


def test_the_blurhash_is_short_and_decodes_to_the_picture_upright(tmp_path: Path) -> None:
    path = make_jpeg(tmp_path / "r.jpg", size=(800, 400), orientation=6)  # shown 400x800
    result = process(path, tmp_path / "out")
    hash_ = result.blurhash
    assert hash_ and 20 <= len(hash_) <= 40
    x, y = blurhash.components(hash_)
    assert y > x  # more detail along the portrait's long side
    placeholder = decoded(hash_, (result.thumbnail.width, result.thumbnail.height))
    # The blue marker is top-right, as in the thumbnail (blurred: bluer than red); the
    # bottom is red.
    r, _g, b = placeholder.getpixel((150, 10))
    assert b > 150 and b > r + 50
    assert is_red(placeholder.getpixel((10, 310)))


def test_a_video_gets_a_blurhash_of_its_thumbnail_and_no_preview(tmp_path: Path) -> None:
    path = make_video(tmp_path / "clip.mp4", seconds=1.0, size=(320, 180), audio=False)
    result = process(path, tmp_path / "out")
    assert result.preview is None and not result.missing
    x, y = blurhash.components(result.blurhash)
    assert x > y  # a landscape
    placeholder = decoded(result.blurhash, (32, 18))
    assert ImageStat.Stat(placeholder).mean[0] > 20  # a picture, not a black frame


# --- through the worker -----------------------------------------------------------------


@pytest.fixture
def big_photo(media_root: Path) -> Path:
    return make_jpeg(media_root / "big.jpg", size=(2000, 1500))


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


@pytest.mark.django_db
def test_the_asset_says_where_its_preview_and_blurhash_are(
    big_photo: Path, thumbnail_dir: Path
) -> None:
    asset = services.register_asset(file_path="big.jpg")
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    meta = asset.media_metadata
    assert asset.status == AssetStatus.READY
    name = preview_name(hashlib.sha256(big_photo.read_bytes()).hexdigest())
    assert meta["preview_url"] == f"/thumbnails/{name}"
    assert (meta["preview_width"], meta["preview_height"]) == (1600, 1200)
    assert (thumbnail_dir / name).is_file()
    assert isinstance(meta["blurhash"], str) and "renditions_missing" not in meta


@pytest.mark.django_db
def test_a_failed_preview_leaves_the_asset_ready_and_says_what_is_missing(
    big_photo: Path, thumbnail_dir: Path
) -> None:
    asset = services.register_asset(file_path="big.jpg")
    with mock.patch(
        "assets.jobs.processing.pipeline.store_preview",
        side_effect=TransientProcessingError("Could not write the preview: No space left"),
    ):
        worker.process_asset(asset.pk)
    asset.refresh_from_db()
    meta = asset.media_metadata
    assert asset.status == AssetStatus.READY and asset.processing_error == ""
    assert meta["width"] == 2000 and meta["blurhash"]
    assert (thumbnail_dir / meta["thumbnail_url"].removeprefix("/thumbnails/")).is_file()
    assert "preview_url" not in meta
    assert meta["renditions_missing"] == {"preview": "Could not write the preview: No space left"}


@pytest.mark.django_db
def test_a_failed_blurhash_costs_only_the_blurhash(big_photo: Path) -> None:
    asset = services.register_asset(file_path="big.jpg")
    with mock.patch(
        "assets.jobs.processing.pipeline.blurhash_of", side_effect=ValueError("bad components")
    ):
        worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.READY
    assert asset.media_metadata["preview_url"] and "blurhash" not in asset.media_metadata
    assert asset.media_metadata["renditions_missing"] == {
        "blurhash": "Could not make the blurhash: bad components"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("shared", [False, True])
def test_deleting_an_asset_removes_its_preview_unless_another_shows_it(
    big_photo: Path,
    media_root: Path,
    thumbnail_dir: Path,
    django_capture_on_commit_callbacks: Any,
    shared: bool,
) -> None:
    asset = services.register_asset(file_path="big.jpg")
    if shared:
        (media_root / "twin.jpg").write_bytes(big_photo.read_bytes())
        twin = services.register_asset(file_path="twin.jpg")
        worker.process_asset(twin.pk)
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    files = [
        thumbnail_dir / asset.media_metadata[key].removeprefix("/thumbnails/")
        for key in ("thumbnail_url", "preview_url")
    ]
    assert all(f.is_file() for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_asset(asset_id=asset.pk)
    assert [f.exists() for f in files] == [shared, shared]
    assert big_photo.exists()


@pytest.mark.django_db
def test_reprocessing_replaces_a_preview_of_an_older_rendering(
    big_photo: Path, thumbnail_dir: Path
) -> None:
    asset = services.register_asset(file_path="big.jpg")
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    current = asset.media_metadata["preview_url"]
    old = f"{asset.checksum}-1600-v1.jpg"
    (thumbnail_dir / old).write_bytes(b"an older rendering")
    Asset.objects.filter(pk=asset.pk).update(
        media_metadata={**asset.media_metadata, "preview_url": f"/thumbnails/{old}"}
    )
    services.reprocess_asset(asset_id=asset.pk)
    worker.process_asset(asset.pk)
    asset.refresh_from_db()
    assert asset.media_metadata["preview_url"] == current
    assert not (thumbnail_dir / old).exists()
    assert (thumbnail_dir / current.removeprefix("/thumbnails/")).is_file()
    assert asset.thumbnail_name == thumbnail_name(asset.checksum)
