"""Tags in the Django admin: renamed everywhere they are used (a name another tag has is
refused), deleted from every asset (the assets stay); collections are shown, not changed."""

from __future__ import annotations

import pytest
from django.test import Client

from assets.library import tags
from assets.models import Asset, Collection, MediaType, Tag


def asset(title: str) -> Asset:
    return Asset.objects.create(
        title=title,
        file_path=f"a/{title}.jpg",
        media_type=MediaType.IMAGE,
        mime_type="image/jpeg",
        file_size=1,
    )


@pytest.fixture
def tagged(db: None) -> tuple[Asset, Asset]:
    first, second = asset("one"), asset("two")
    tags.set_tags(asset_id=first.pk, names=["beach", "sun"])
    tags.set_tags(asset_id=second.pk, names=["beach"])
    return first, second


def test_renaming_a_tag_renames_it_on_every_asset_and_in_search(
    client: Client, tagged: tuple[Asset, Asset]
) -> None:
    beach = Tag.objects.get(name="beach")
    response = client.post(f"/admin/assets/tag/{beach.pk}/change/", {"name": "Praia"})
    assert response.status_code == 302, response.content[:500]
    assert {a.title: a.tag_list for a in Asset.objects.all()} == {
        "one": ["Praia", "sun"],
        "two": ["Praia"],
    }
    listed = client.get("/api/v1/assets", {"q": "praia"}).json()["items"]
    assert sorted(i["title"] for i in listed) == ["one", "two"]


def test_a_rename_to_another_tags_name_is_refused(
    client: Client, tagged: tuple[Asset, Asset]
) -> None:
    beach = Tag.objects.get(name="beach")
    response = client.post(f"/admin/assets/tag/{beach.pk}/change/", {"name": "SUN"})
    assert response.status_code == 200
    assert b"Another tag is already called sun" in response.content
    assert Tag.objects.get(pk=beach.pk).name == "beach"


def test_deleting_tags_removes_them_from_every_asset_never_an_asset(
    client: Client, tagged: tuple[Asset, Asset]
) -> None:
    beach = Tag.objects.get(name="beach")
    response = client.post(
        "/admin/assets/tag/",
        {"action": "delete_selected_tags", "_selected_action": [beach.pk]},
    )
    assert response.status_code == 302
    assert {a.title: a.tag_list for a in Asset.objects.all()} == {"one": ["sun"], "two": []}
    assert client.get("/api/v1/assets", {"tag": "beach"}).json()["items"] == []


def test_the_admin_lists_tags_and_collections_and_shows_them_on_an_asset(
    client: Client, tagged: tuple[Asset, Asset]
) -> None:
    album = Collection.objects.create(name="Holiday")
    album.assets.add(tagged[0])
    assert b"beach" in client.get("/admin/assets/tag/").content
    assert b"Holiday" in client.get("/admin/assets/collection/").content
    page = client.get(f"/admin/assets/asset/{tagged[0].pk}/change/").content
    assert b"beach, sun" in page and b"Holiday" in page
    assert client.get("/admin/assets/tag/add/").status_code == 403
