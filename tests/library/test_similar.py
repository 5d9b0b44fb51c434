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


@pytest.mark.django_db
def test_exact_duplicate_groups_list_each_file_s_copies_oldest_first(client: Client) -> None:
    a1, a2 = AssetFactory(checksum="a" * 64), AssetFactory(checksum="a" * 64)
    AssetFactory(checksum="b" * 64)  # alone: no group
    c1, c2, c3 = (AssetFactory(checksum="c" * 64) for _ in range(3))
    AssetFactory(checksum="")  # not processed
    answer = client.get("/api/v1/duplicates").json()
    assert answer["meta"] == {"page": 1, "page_size": 20, "total": 2, "pages": 1}
    assert [[a["id"] for a in g["assets"]] for g in answer["items"]] == [
        [a1.pk, a2.pk],
        [c1.pk, c2.pk, c3.pk],
    ]
    assert {g["kind"] for g in answer["items"]} == {"exact"}
    assert answer["items"][0]["assets"][1]["duplicate_of"] == a1.pk


@pytest.mark.django_db
def test_similar_groups_chain_near_pictures_and_leave_far_ones_out(client: Client) -> None:
    base = 0x1234_5678_9ABC_DEF0
    first = AssetFactory(perceptual_hash=base)
    near = AssetFactory(perceptual_hash=base ^ 0b111)  # 3 bits from first
    chained = AssetFactory(
        perceptual_hash=base ^ 0b111 ^ (0b111 << 40)
    )  # 3 from near, 6 from first
    AssetFactory(perceptual_hash=to_signed(base ^ 0xFFFF_FFFF_0000_0000))  # far from all
    twin_a = AssetFactory(perceptual_hash=-5)
    twin_b = AssetFactory(perceptual_hash=-5)
    answer = client.get("/api/v1/duplicates", {"kind": "similar"}).json()
    assert [[a["id"] for a in g["assets"]] for g in answer["items"]] == [
        [first.pk, near.pk, chained.pk],
        [twin_a.pk, twin_b.pk],
    ]
    strict = client.get("/api/v1/duplicates", {"kind": "similar", "max_distance": "0"}).json()
    assert [[a["id"] for a in g["assets"]] for g in strict["items"]] == [[twin_a.pk, twin_b.pk]]


@pytest.mark.django_db
def test_similar_groups_find_every_pair_within_the_distance_like_brute_force() -> None:
    from assets.library import similar

    rng = random.Random(7)
    base = [rng.getrandbits(64) for _ in range(40)]
    values = [
        b ^ (1 << rng.randrange(64)) ^ (1 << rng.randrange(64)) for b in base for _ in range(3)
    ]
    rows = [AssetFactory(perceptual_hash=to_signed(v)) for v in values]
    for limit in (2, 4, 8):
        expected: dict[int, set[int]] = {r.pk: {r.pk} for r in rows}
        for x in rows:
            for y in rows:
                if distance(x.perceptual_hash, y.perceptual_hash) <= limit:
                    merged = expected[x.pk] | expected[y.pk]
                    for member in merged:
                        expected[member] = merged
        brute = sorted({tuple(sorted(g)) for g in expected.values() if len(g) > 1})
        assert [tuple(g) for g in similar.similar_groups(limit)] == brute


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "near"}, "kind must be exact or similar"),
        ({"page": "0"}, "page must be a whole number from 1"),
        (
            {"kind": "similar", "max_distance": "9"},
            "max_distance must be a whole number from 0 to 8",
        ),
        ({"max_distance": "-1"}, "max_distance must be a whole number from 0 to 8"),
    ],
)
def test_bad_duplicate_queries_are_refused(
    client: Client, params: dict[str, str], message: str
) -> None:
    response = client.get("/api/v1/duplicates", params)
    assert response.status_code == 400 and message in response.json()["error"]
