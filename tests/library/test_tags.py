"""Tags from outside (PATCH, the list's `tag` filter, search, /api/v1/tags) and inside (one
tag per name whatever its case, what is announced and audited). Both databases."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditAction, AuditEntry, Role
from accounts.roles import create_user
from assets.library import tags
from assets.models import Asset, MediaType, Tag
from tests.support.contract import assert_error

API = "/api/v1/assets"


def asset(title: str, path: str | None = None) -> Asset:
    return Asset.objects.create(
        title=title,
        file_path=path or f"t/{title.lower().replace(' ', '-')}.jpg",
        media_type=MediaType.IMAGE,
        mime_type="image/jpeg",
        file_size=1,
    )


def patch(client: Client, asset_id: int, body: Any) -> Any:
    return client.patch(f"{API}/{asset_id}", json.dumps(body), content_type="application/json")


def titles(client: Client, **params: Any) -> list[str]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def test_patch_replaces_the_tags_and_every_view_of_the_asset_shows_them(client: Client) -> None:
    photo = asset("Cliff")
    response = patch(client, photo.pk, {"tags": ["sunset", "Praia do  Guincho ", "SUNSET"]})
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["Praia do Guincho", "sunset"]  # A-Z, once each
    assert client.get(f"{API}/{photo.pk}").json()["tags"] == ["Praia do Guincho", "sunset"]
    assert client.get(API).json()["items"][0]["tags"] == ["Praia do Guincho", "sunset"]
    response = patch(client, photo.pk, {"tags": ["portugal"]})
    assert response.json()["tags"] == ["portugal"]
    assert patch(client, photo.pk, {"tags": []}).json()["tags"] == []


def test_a_name_is_one_tag_whatever_its_case_and_keeps_its_first_spelling(client: Client) -> None:
    first, second = asset("One"), asset("Two")
    patch(client, first.pk, {"tags": ["Été 2024"]})
    assert patch(client, second.pk, {"tags": ["ÉTÉ 2024"]}).json()["tags"] == ["Été 2024"]
    assert Tag.objects.count() == 1


def test_title_and_tags_change_together(client: Client) -> None:
    photo = asset("Old")
    body = patch(client, photo.pk, {"title": "New", "tags": ["x"]}).json()
    assert (body["title"], body["tags"]) == ("New", ["x"])


@pytest.mark.parametrize(
    ("tags_value", "says"),
    [
        ("beach", "list"),
        ([{"name": "x"}], None),
        ([7], None),
        ([""], "blank"),
        (["   "], "blank"),
        (["x" * 65], "64"),
        ([f"t{i}" for i in range(51)], "50"),
        (["tab\tinside"], None),  # whitespace collapses: fine
        (["bell\x07"], "control"),
        ([None], None),
    ],
)
def test_bad_tags_are_400_and_change_nothing(
    client: Client, tags_value: Any, says: str | None
) -> None:
    photo = asset("Keep")
    patch(client, photo.pk, {"tags": ["kept"]})
    response = patch(client, photo.pk, {"title": "Changed", "tags": tags_value})
    if tags_value == ["tab\tinside"]:
        assert response.json()["tags"] == ["tab inside"]
        return
    body = assert_error(response, 400)
    if says:
        assert says in json.dumps(body).lower(), body
    photo.refresh_from_db()
    assert (photo.title, photo.tag_list) == ("Keep", ["kept"])


def test_the_tag_filter_wants_every_tag_named_in_any_case(client: Client) -> None:
    for title, names in [("A", ["beach", "sunset"]), ("B", ["beach"]), ("C", ["sunset"])]:
        patch(client, asset(title).pk, {"tags": names})
    assert titles(client, tag="BEACH") == ["A", "B"]
    assert titles(client, tag=["beach", "sunset"]) == ["A"]
    assert titles(client, tag="nowhere") == []
    assert titles(client, tag=["beach", "nowhere"]) == []
    assert titles(client, tag="beach", q="a") == ["A"]


def test_search_finds_words_of_tags_and_forgets_removed_ones(client: Client) -> None:
    photo = asset("Untitled")
    patch(client, photo.pk, {"tags": ["Praia do Guincho"]})
    assert titles(client, q="guincho") == ["Untitled"]
    patch(client, photo.pk, {"tags": []})
    assert titles(client, q="guincho") == []


def test_tags_are_suggested_by_prefix_the_most_used_first(client: Client) -> None:
    for title, names in [("A", ["beach", "bench"]), ("B", ["beach"]), ("C", ["Berlin", "x"])]:
        patch(client, asset(title).pk, {"tags": names})
    response = client.get("/api/v1/tags", {"q": "BE"})
    assert response.status_code == 200
    assert [(t["name"], t["asset_count"]) for t in response.json()["items"]] == [
        ("beach", 2),
        ("bench", 1),
        ("Berlin", 1),
    ]
    assert len(client.get("/api/v1/tags").json()["items"]) == 4


def test_a_viewer_reads_tags_but_cannot_set_them(db: None) -> None:
    photo = asset("Guarded")
    viewer = Client()
    viewer.force_login(create_user("watcher", "a-long-enough-password-1", Role.VIEWER))
    assert_error(patch(viewer, photo.pk, {"tags": ["mine"]}), 403)
    assert viewer.get("/api/v1/tags").status_code == 200
    assert Tag.objects.count() == 0


def test_a_change_is_audited_and_announced_after_commit(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    photo = asset("Told")
    with (
        mock.patch("assets.library.tags.announce_changed") as announce,
        django_capture_on_commit_callbacks(execute=True),
    ):
        patch(client, photo.pk, {"tags": ["news"]})
        patch(client, photo.pk, {"tags": ["NEWS"]})  # the same set: nothing to tell
    announce.assert_called_once_with(photo.pk, tags=["news"])
    entry = AuditEntry.objects.get(action=AuditAction.TAG)
    assert (entry.asset_id, entry.detail) == (photo.pk, {"before": [], "after": ["news"]})


def test_tags_cost_the_list_no_query_per_asset(client: Client) -> None:
    def queries(count: int) -> int:
        Asset.objects.all().delete()
        for i in range(count):
            tags.set_tags(asset_id=asset(f"Q{i}").pk, names=["a", f"b{i}"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API, {"page_size": 50}).status_code == 200
        return len(captured)

    assert queries(3) == queries(30)
