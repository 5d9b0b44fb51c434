"""Near-duplicates: the dHash each processed picture gets, and GET /api/v1/assets/<id>/similar."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image, ImageDraw

from assets.jobs.processing.perceptual import dhash_of, distance, to_signed
from tests.factories import AssetFactory
from tests.jobs.test_processing import run
from tests.media import make_video


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture with structure (a dHash of a flat colour is all zeros): random shapes."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(40, 300), rng.randrange(40, 300)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + w, y + h), fill=colour)
    return image


def test_the_hash_is_imagehash_s_dhash_bit_for_bit() -> None:
    # Each row brighter to the right: every bit 1; brighter to the left: every bit 0.
    rising = Image.new("L", (9, 8))
    rising.putdata([column * 20 for _row in range(8) for column in range(9)])
    assert dhash_of(rising) == to_signed(2**64 - 1) == -1
    assert dhash_of(rising.transpose(Image.Transpose.FLIP_LEFT_RIGHT)) == 0
    # Only the first row rising: the 8 most significant bits.
    first_row = Image.new("L", (9, 8))
    first_row.putdata([column * 20 if row == 0 else 100 for row in range(8) for column in range(9)])
    assert dhash_of(first_row) == to_signed(0xFF << 56)


def test_resized_and_recompressed_copies_stay_near_and_other_pictures_far(
    tmp_path: Path,
) -> None:
    original = scene(1)
    original.save(tmp_path / "original.jpg", quality=95)
    original.resize((200, 150)).save(tmp_path / "small.jpg", quality=30)
    scene(2).save(tmp_path / "other.jpg", quality=95)
    hashes = {
        name: run(tmp_path / f"{name}.jpg", tmp_path / "thumbs")[0].perceptual_hash
        for name in ("original", "small", "other")
    }
    assert all(isinstance(h, int) and -(2**63) <= h < 2**63 for h in hashes.values())
    assert distance(hashes["original"], hashes["small"]) <= 4  # type: ignore[arg-type]
    assert distance(hashes["original"], hashes["other"]) > 16  # type: ignore[arg-type]


def test_a_video_is_hashed_by_its_poster_frame(tmp_path: Path) -> None:
    result, _ = run(make_video(tmp_path / "clip.mp4", seconds=1), tmp_path / "thumbs")
    assert isinstance(result.perceptual_hash, int)


@pytest.mark.django_db
def test_similar_lists_the_nearest_first_within_the_distance(client: Client) -> None:
    base = 0x0F0F_0F0F_0F0F_0F0F
    me = AssetFactory(perceptual_hash=base)
    same = AssetFactory(perceptual_hash=base)
    two_bits = AssetFactory(perceptual_hash=base ^ 0b11)
    nine_bits = AssetFactory(perceptual_hash=base ^ 0x1FF)
    far = AssetFactory(perceptual_hash=to_signed(base ^ (2**64 - 1)))
    AssetFactory(perceptual_hash=None)

    answer = client.get(f"/api/v1/assets/{me.pk}/similar").json()
    assert answer["hashed"] is True and answer["max_distance"] == 10
    assert [(i["asset"]["id"], i["distance"]) for i in answer["items"]] == [
        (same.pk, 0),
        (two_bits.pk, 2),
        (nine_bits.pk, 9),
    ]
    assert answer["items"][0]["asset"]["title"] == same.title
    tight = client.get(f"/api/v1/assets/{me.pk}/similar", {"max_distance": "2"}).json()
    assert [i["asset"]["id"] for i in tight["items"]] == [same.pk, two_bits.pk]
    assert far.pk not in {i["asset"]["id"] for i in answer["items"]}


@pytest.mark.django_db
def test_an_unprocessed_asset_says_it_has_no_hash_yet(client: Client) -> None:
    waiting = AssetFactory(perceptual_hash=None)
    AssetFactory(perceptual_hash=0)
    answer = client.get(f"/api/v1/assets/{waiting.pk}/similar").json()
    assert answer == {"asset_id": waiting.pk, "hashed": False, "max_distance": 10, "items": []}


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "status"), [("-1", 400), ("21", 400), ("x", 400), ("1.5", 400)])
def test_bad_distances_and_unknown_assets_are_refused(
    client: Client, raw: str, status: int
) -> None:
    me = AssetFactory(perceptual_hash=1)
    response = client.get(f"/api/v1/assets/{me.pk}/similar", {"max_distance": raw})
    assert response.status_code == status
    assert "max_distance must be a whole number from 0 to 20" in response.json()["error"]
    missing = client.get(f"/api/v1/assets/{me.pk + 1}/similar")
    assert missing.status_code == 404 and missing.json()["error"] == "Asset not found"
    assert client.get("/api/v1/assets/abc/similar").status_code == 404
