"""A photo's own keywords (IPTC, XMP, Windows XP) become its tags when it is processed."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PIL import Image

from assets import services
from assets.jobs import worker
from assets.jobs.processing.keywords import MAX_KEYWORDS, keywords_of
from assets.models import Asset
from tests.jobs.test_processing import run


def iptc_segment(*keywords: str) -> bytes:
    """An APP13 (Photoshop 3.0) segment holding IPTC records 2:25, as cameras and Lightroom
    write them."""
    records = b"".join(
        b"\x1c\x02\x19" + struct.pack(">H", len(k.encode())) + k.encode() for k in keywords
    )
    if len(records) % 2:
        records += b"\x00"
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with(path: Path, *, iptc: tuple[str, ...] = (), xmp: bytes = b"", xp: str = "") -> Path:
    image = Image.new("RGB", (64, 48), (90, 140, 200))
    exif = image.getexif()
    if xp:
        exif[0x9C9E] = xp.encode("utf-16-le") + b"\x00\x00"
    image.save(path, "JPEG", exif=exif, **({"xmp": xmp} if xmp else {}))
    if iptc:
        data = path.read_bytes()
        path.write_bytes(data[:2] + iptc_segment(*iptc) + data[2:])
    return path


XMP = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>
 <rdf:li>Lisboa</rdf:li><rdf:li>Bel&#xE9;m &amp; sol</rdf:li><rdf:li>beach</rdf:li>
 </rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"""


def test_keywords_are_read_from_iptc_xmp_and_xp_each_once(tmp_path: Path) -> None:
    path = jpeg_with(tmp_path / "k.jpg", iptc=("Beach", "Sunset"), xmp=XMP, xp="family;Sunset")
    with Image.open(path) as image:
        assert keywords_of(image) == ["Beach", "Sunset", "Lisboa", "Belém & sol", "family"]
    result, _ = run(path, tmp_path / "thumbs")
    assert result.metadata["keywords"] == ["Beach", "Sunset", "Lisboa", "Belém & sol", "family"]


def test_a_photo_without_keywords_or_with_damaged_ones_has_none(tmp_path: Path) -> None:
    plain = jpeg_with(tmp_path / "plain.jpg")
    assert "keywords" not in run(plain, tmp_path / "thumbs")[0].metadata
    damaged = tmp_path / "damaged.jpg"
    data = jpeg_with(tmp_path / "src.jpg", iptc=("x",)).read_bytes()
    damaged.write_bytes(data.replace(b"\x1c\x02\x19\x00\x01x", b"\x1c\x02\x19\xff\xffx"))
    with Image.open(damaged) as image:
        assert keywords_of(image) == []


def test_keywords_are_bounded_like_tags(tmp_path: Path) -> None:
    many = [f"word{n}" for n in range(80)] + ["x" * 65, "  spaced   out  "]
    path = jpeg_with(tmp_path / "many.jpg", xp=";".join(["  spaced   out  ", *many]))
    with Image.open(path) as image:
        found = keywords_of(image)
    assert len(found) == MAX_KEYWORDS and found[0] == "spaced out"
    assert all(len(k) <= 64 for k in found)


@pytest.mark.django_db
def test_processing_adds_the_keywords_to_the_tags_it_has_and_never_removes_one(
    media_root: Path, task_delay: object
) -> None:
    jpeg_with(media_root / "tagged.jpg", iptc=("Beach", "sunset"), xp="Family")
    asset = services.register_asset(file_path="tagged.jpg")
    from assets.library import tags

    tags.set_tags(asset_id=asset.pk, names=["SUNSET", "mine"])
    worker.process_asset(asset.pk)
    assert Asset.objects.get(pk=asset.pk).tag_list == ["Beach", "Family", "mine", "SUNSET"]


@pytest.mark.django_db
def test_a_keyword_tag_someone_removed_is_not_added_back_by_a_reprocess(
    media_root: Path, task_delay: object
) -> None:
    from assets.library import tags

    jpeg_with(media_root / "k.jpg", iptc=("Beach", "wrong"))
    asset = services.register_asset(file_path="k.jpg")
    worker.process_asset(asset.pk)
    assert Asset.objects.get(pk=asset.pk).tag_list == ["Beach", "wrong"]
    tags.set_tags(asset_id=asset.pk, names=["Beach"])  # "wrong" was wrong
    services.reprocess_assets(Asset.objects.filter(pk=asset.pk))
    worker.process_asset(asset.pk)
    assert Asset.objects.get(pk=asset.pk).tag_list == ["Beach"]
    # A keyword the file gained since is new, and becomes a tag.
    jpeg_with(media_root / "k.jpg", iptc=("Beach", "wrong", "Lisbon"))
    services.reprocess_assets(Asset.objects.filter(pk=asset.pk))
    worker.process_asset(asset.pk)
    assert Asset.objects.get(pk=asset.pk).tag_list == ["Beach", "Lisbon"]
