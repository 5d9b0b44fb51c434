"""Collections (albums) from the API: make, list, rename, cover, add and remove assets, delete
(never an asset), an asset lists its collections, the list filters by one, bulk actions, and
bad input. Both databases."""

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
from assets.models import Asset, MediaType
from tests.support.contract import assert_error

API = "/api/v1/collections"


def asset(title: str, thumbnail: str | None = None) -> Asset:
    return Asset.objects.create(
        title=title,
        file_path=f"c/{title}.jpg",
        media_type=MediaType.IMAGE,
        mime_type="image/jpeg",
        file_size=1,
        media_metadata={"thumbnail_url": thumbnail} if thumbnail else {},
    )


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def make(client: Client, name: str, **extra: Any) -> dict[str, Any]:
    response = send(client, "POST", API, {"name": name, **extra})
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_collection_gathers_assets_and_each_asset_lists_its_collections(
    client: Client, db: None
) -> None:
    first, second, third = asset("a", "/thumbnails/a.jpg"), asset("b"), asset("c")
    trip = make(client, "  Lisbon   trip ", description="May 2024")
    assert (trip["name"], trip["description"], trip["asset_count"], trip["cover"]) == (
        "Lisbon trip",
        "May 2024",
        0,
        None,
    )
    added = send(
        client, "POST", f"{API}/{trip['id']}/assets", {"asset_ids": [first.pk, second.pk, 999]}
    )
    assert added.status_code == 200, added.content
    assert added.json()["changed"] == [first.pk, second.pk]  # 999 does not exist
    body = added.json()["collection"]
    assert body["asset_count"] == 2
    assert body["cover"] == {
        "asset_id": first.pk,
        "thumbnail_url": "/thumbnails/a.jpg",
        "chosen": False,
    }
    again = send(client, "POST", f"{API}/{trip['id']}/assets", {"asset_ids": [first.pk]})
    assert again.json()["changed"] == []
    make(client, "Family")
    family = client.get(API, {"q": "fam"}).json()["items"][0]
    send(client, "POST", f"{API}/{family['id']}/assets", {"asset_ids": [first.pk]})
    shown = client.get(f"/api/v1/assets/{first.pk}").json()["collections"]
    assert shown == [
        {"id": family["id"], "name": "Family"},
        {"id": trip["id"], "name": "Lisbon trip"},
    ]
    listed = {i["title"]: i["collections"] for i in client.get("/api/v1/assets").json()["items"]}
    assert listed["c"] == [] and len(listed["a"]) == 2
    in_trip = client.get("/api/v1/assets", {"collection": trip["id"]}).json()["items"]
    assert sorted(i["title"] for i in in_trip) == ["a", "b"]
    assert third.pk not in [i["id"] for i in in_trip]


def test_the_cover_is_chosen_from_the_collection_or_the_first_added(
    client: Client, db: None
) -> None:
    first, second, outsider = asset("a"), asset("b", "/thumbnails/b.jpg"), asset("x")
    album = make(client, "Album")
    send(client, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [first.pk, second.pk]})
    chosen = send(client, "PATCH", f"{API}/{album['id']}", {"cover": second.pk})
    assert chosen.json()["cover"] == {
        "asset_id": second.pk,
        "thumbnail_url": "/thumbnails/b.jpg",
        "chosen": True,
    }
    assert_error(send(client, "PATCH", f"{API}/{album['id']}", {"cover": outsider.pk}), 400)
    # Taken out of the collection, the cover falls back to the first added.
    send(client, "DELETE", f"{API}/{album['id']}/assets", {"asset_ids": [second.pk]})
    assert client.get(f"{API}/{album['id']}").json()["cover"]["asset_id"] == first.pk


def test_deleting_a_collection_or_taking_assets_out_never_deletes_an_asset(
    client: Client, db: None
) -> None:
    kept = [asset("a"), asset("b")]
    album = make(client, "Gone soon")
    send(client, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [a.pk for a in kept]})
    removed = send(client, "DELETE", f"{API}/{album['id']}/assets", {"asset_ids": [kept[0].pk]})
    assert removed.json()["changed"] == [kept[0].pk]
    assert client.delete(f"{API}/{album['id']}").status_code == 204
    assert Asset.objects.count() == 2
    assert_error(client.get(f"{API}/{album['id']}"), 404)
    assert client.get(f"/api/v1/assets/{kept[1].pk}").json()["collections"] == []


def test_renames_and_ordering(client: Client, db: None) -> None:
    b, a = make(client, "Beta"), make(client, "alpha")
    renamed = send(client, "PATCH", f"{API}/{b['id']}", {"name": "Gamma", "description": ""})
    assert renamed.json()["name"] == "Gamma"
    assert [c["name"] for c in client.get(API).json()["items"]] == ["Gamma", "alpha"] or [
        c["name"] for c in client.get(API).json()["items"]
    ] == ["alpha", "Gamma"]
    newest = client.get(API, {"ordering": "-updated_at"}).json()["items"]
    assert newest[0]["id"] == b["id"] and a["id"] in [c["id"] for c in newest]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "", {"name": ""}, 400),
        ("POST", "", {"name": "   "}, 400),
        ("POST", "", {"name": "x" * 121}, 400),
        ("POST", "", {"description": "no name"}, 400),
        ("POST", "", {"name": "ok", "owner": "me"}, 400),
        ("POST", "", {"name": 0}, 400),
        ("POST", "/{id}/assets", {"asset_ids": [2**70]}, 400),
        ("POST", "", ["name"], 400),
        ("PATCH", "/{id}", {"cover": "first"}, 400),
        ("POST", "/{id}/assets", {"asset_ids": []}, 400),
        ("POST", "/{id}/assets", {"asset_ids": [0]}, 400),
        ("POST", "/{id}/assets", {"ids": [1]}, 400),
        ("POST", "/999999/assets", {"asset_ids": [1]}, 404),
        ("GET", "/abc", None, 404),
        ("GET", "?ordering=size", None, 400),
    ],
)
def test_bad_input_is_an_error_in_the_contracts_format_and_changes_nothing(
    client: Client, db: None, method: str, path: str, body: Any, status: int
) -> None:
    album = make(client, "Keep")
    photo = asset("p")
    send(client, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [photo.pk]})
    url = API + path.format(id=album["id"])
    response = client.get(url) if method == "GET" else send(client, method, url, body)
    assert_error(response, status)
    kept = client.get(f"{API}/{album['id']}").json()
    assert (kept["name"], kept["asset_count"]) == ("Keep", 1)


def test_membership_changes_are_audited_and_announced(
    client: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    photo = asset("p")
    album = make(client, "Told")
    with (
        mock.patch("assets.realtime.events.publish_events") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send(client, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [photo.pk]})
    (event,) = [e for call in publish.call_args_list for e in call.args[0]]
    assert event.kind == "asset_update"
    assert event.data() == {
        "asset_id": photo.pk,
        "collections": [{"id": album["id"], "name": "Told"}],
    }
    entry = AuditEntry.objects.get(action=AuditAction.COLLECT)
    assert (entry.asset_id, entry.detail) == (photo.pk, {"added_to": album["id"]})


def test_a_rename_reaches_open_browsers_as_each_member_s_new_collections(
    client: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    photo, other = asset("p"), asset("o")
    album = make(client, "Old name")
    send(client, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [photo.pk]})
    with (
        mock.patch("assets.realtime.events.publish_events") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        send(client, "PATCH", f"{API}/{album['id']}", {"name": "New name"})
        send(client, "PATCH", f"{API}/{album['id']}", {"name": "New name"})  # no change
        send(client, "PATCH", f"{API}/{album['id']}", {"description": "words"})
    events = [e for call in publish.call_args_list for e in call.args[0]]
    assert [e.data() for e in events] == [
        {"asset_id": photo.pk, "collections": [{"id": album["id"], "name": "New name"}]}
    ]
    assert other.pk not in {e.data()["asset_id"] for e in events}


def test_bulk_actions_add_to_and_remove_from_a_collection(client: Client, db: None) -> None:
    photos = [asset(f"p{i}") for i in range(4)]
    album = make(client, "Bulk")
    added = send(
        client,
        "POST",
        "/api/v1/assets/bulk",
        {"filter": {"q": "p1"}, "action": "add_to_collection", "collection": album["id"]},
    )
    assert added.json() == {"matched": 1, "changed": 1}
    added = send(
        client,
        "POST",
        "/api/v1/assets/bulk",
        {"ids": [p.pk for p in photos], "action": "add_to_collection", "collection": album["id"]},
    )
    assert added.json() == {"matched": 4, "changed": 3}
    removed = send(
        client,
        "POST",
        "/api/v1/assets/bulk",
        {"ids": [photos[0].pk], "action": "remove_from_collection", "collection": album["id"]},
    )
    assert removed.json() == {"matched": 1, "changed": 1}
    assert client.get(f"{API}/{album['id']}").json()["asset_count"] == 3
    assert_error(
        send(client, "POST", "/api/v1/assets/bulk", {"ids": [1], "action": "add_to_collection"}),
        400,
    )
    assert_error(
        send(
            client,
            "POST",
            "/api/v1/assets/bulk",
            {"ids": [1], "action": "add_to_collection", "collection": 999999},
        ),
        404,
    )


def test_a_viewer_reads_collections_but_cannot_change_them(db: None) -> None:
    admin = Client()
    admin.force_login(create_user("boss", "a-long-enough-password-1", Role.ADMIN))
    album = make(admin, "Mine")
    viewer = Client()
    viewer.force_login(create_user("looker", "a-long-enough-password-1", Role.VIEWER))
    assert viewer.get(API).status_code == 200
    assert viewer.get(f"{API}/{album['id']}").status_code == 200
    assert_error(send(viewer, "POST", API, {"name": "x"}), 403)
    assert_error(send(viewer, "PATCH", f"{API}/{album['id']}", {"name": "x"}), 403)
    assert_error(viewer.delete(f"{API}/{album['id']}"), 403)
    assert_error(send(viewer, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [1]}), 403)


def test_collections_cost_the_lists_no_query_per_item(client: Client, db: None) -> None:
    def queries(count: int) -> tuple[int, int]:
        Asset.objects.all().delete()
        for i in range(count):
            album = make(client, f"C{i}")
            photo = asset(f"q{i}", f"/thumbnails/{i}.jpg")
            send(client, "POST", f"{API}/{album['id']}/assets", {"asset_ids": [photo.pk]})
        with CaptureQueriesContext(connection) as albums:
            client.get(API, {"page_size": 50})
        with CaptureQueriesContext(connection) as assets:
            client.get("/api/v1/assets", {"page_size": 50})
        return len(albums), len(assets)

    assert queries(2) == queries(12)


@pytest.mark.parametrize("value", ["0.5", "abc", "-"])
def test_the_collection_filter_takes_a_whole_number(client: Client, db: None, value: str) -> None:
    assert_error(client.get("/api/v1/assets", {"collection": value}), 400)
    assert_error(client.get("/api/v1/assets/facets", {"collection": value}), 400)
