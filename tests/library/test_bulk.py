"""Bulk actions from the API: by ids or by the list's filters, tag, untag, reprocess and
delete, each batch in one transaction, audited and announced; bad input changes nothing."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from accounts.models import AuditAction, AuditEntry, Role
from accounts.roles import create_user
from assets.library import bulk, tags
from assets.models import Asset, AssetStatus, MediaType
from tests.support.contract import assert_error

URL = "/api/v1/assets/bulk"


def asset(title: str, media_type: str = MediaType.IMAGE) -> Asset:
    return Asset.objects.create(
        title=title,
        file_path=f"b/{title}.{'jpg' if media_type == MediaType.IMAGE else 'mp4'}",
        media_type=media_type,
        mime_type="image/jpeg" if media_type == MediaType.IMAGE else "video/mp4",
        file_size=1,
        status=AssetStatus.READY,
    )


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def tag_lists() -> dict[str, list[str]]:
    return {a.title: a.tag_list for a in Asset.objects.order_by("title")}


@pytest.fixture
def three(db: None) -> list[Asset]:
    return [asset("a"), asset("b"), asset("c", MediaType.VIDEO)]


def test_tag_by_ids_adds_to_what_each_asset_has(client: Client, three: list[Asset]) -> None:
    tags.set_tags(asset_id=three[0].pk, names=["Beach"])
    response = post(
        client, {"ids": [three[0].pk, three[1].pk], "action": "tag", "tags": ["beach", "sun"]}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"matched": 2, "changed": 2}
    assert tag_lists() == {"a": ["Beach", "sun"], "b": ["Beach", "sun"], "c": []}
    again = post(client, {"ids": [three[0].pk], "action": "tag", "tags": ["SUN"]})
    assert again.json() == {"matched": 1, "changed": 0}
    assert client.get("/api/v1/assets", {"tag": "sun"}).json()["meta"]["total"] == 2


def test_untag_by_filter_removes_from_every_asset_the_filter_finds(
    client: Client, three: list[Asset]
) -> None:
    for a in three:
        tags.set_tags(asset_id=a.pk, names=["keep", "drop"])
    response = post(client, {"filter": {"type": "image"}, "action": "untag", "tags": ["DROP"]})
    assert response.json() == {"matched": 2, "changed": 2}
    assert tag_lists() == {"a": ["keep"], "b": ["keep"], "c": ["drop", "keep"]}
    assert post(
        client, {"filter": {"tag": ["keep", "drop"]}, "action": "untag", "tags": ["keep"]}
    ).json() == {
        "matched": 1,
        "changed": 1,
    }


def test_reprocess_and_delete_by_filter(
    client: Client,
    three: list[Asset],
    task_delay: mock.MagicMock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"filter": {"type": "video"}, "action": "reprocess"})
    assert response.json() == {"matched": 1, "changed": 1}
    task_delay.assert_called_once_with(three[2].pk)
    assert Asset.objects.get(pk=three[2].pk).status == AssetStatus.PENDING
    response = post(client, {"filter": {"q": "a"}, "action": "delete"})
    assert response.json() == {"matched": 1, "changed": 1}
    assert sorted(Asset.objects.values_list("title", flat=True)) == ["b", "c"]


def test_ids_that_do_not_exist_are_not_matched(client: Client, three: list[Asset]) -> None:
    response = post(client, {"ids": [three[0].pk, 999_999], "action": "delete"})
    assert response.json() == {"matched": 1, "changed": 1}


def test_every_change_is_audited_and_announced(
    client: Client, three: list[Asset], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        mock.patch("assets.realtime.events.publish_events") as publish,
        django_capture_on_commit_callbacks(execute=True),
    ):
        post(client, {"filter": {}, "action": "tag", "tags": ["all"]})
    sent = [event for call in publish.call_args_list for event in call.args[0]]
    assert sorted(e.asset_id for e in sent) == sorted(a.pk for a in three)
    assert all(e.kind == "asset_update" and e.data()["tags"] == ["all"] for e in sent)
    entries = AuditEntry.objects.filter(action=AuditAction.TAG)
    assert sorted(e.asset_id for e in entries) == sorted(a.pk for a in three)
    assert entries[0].detail == {"bulk": "tag", "tags": ["all"]}


def test_work_goes_in_batches_and_a_failure_undoes_only_its_own_batch(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 3)
    for i in range(8):
        asset(f"n{i}")
    tag = bulk.tagger(["x"], add=True)
    seen: list[list[int]] = []

    def fails_on_the_third(batch: list[int]) -> list[int]:
        seen.append(batch)
        changed = tag(batch)
        if len(seen) == 3:
            raise RuntimeError("disk on fire")
        return changed

    with pytest.raises(RuntimeError):
        bulk.run(Asset.objects.all(), fails_on_the_third)
    assert [len(b) for b in seen] == [3, 3, 2]
    tagged = sorted(a.title for a in Asset.objects.all() if a.tag_list)
    assert tagged == [f"n{i}" for i in range(6)]  # the third batch rolled back whole
    assert Asset.tags.through.objects.count() == 6


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"action": "delete"}, "either ids or filter"),
        ({"ids": [1], "filter": {}, "action": "delete"}, "either ids or filter"),
        ({"ids": [1], "action": "explode"}, "action"),
        ({"ids": [0], "action": "delete"}, "ids"),
        ({"ids": "1,2", "action": "delete"}, "ids"),
        ({"ids": [2**70], "action": "delete"}, "ids"),
        ({"ids": [1], "action": "tag", "tags": [7]}, "tags"),
        ({"ids": list(range(1, 10_002)), "action": "delete"}, "ids"),
        ({"filter": {"tags": "x"}, "action": "delete"}, "unknown filter: tags"),
        ({"filter": {"type": "podcast"}, "action": "delete"}, "filter"),
        ({"filter": {"q": {"x": 1}}, "action": "delete"}, "takes text"),
        ({"filter": [], "action": "delete"}, "filter"),
        ({"ids": [1], "action": "tag"}, "tags"),
        ({"ids": [1], "action": "tag", "tags": [""]}, "blank"),
        ({"ids": [1], "action": "delete", "everything": True}, "unknown field"),
    ],
)
def test_bad_input_is_400_and_changes_nothing(
    client: Client, three: list[Asset], body: dict[str, Any], says: str
) -> None:
    response = post(client, body)
    assert says in json.dumps(assert_error(response, 400)).lower()
    assert Asset.objects.count() == 3 and not any(tag_lists().values())


def test_a_viewer_cannot_act_in_bulk(three: list[Asset]) -> None:
    viewer = Client()
    viewer.force_login(create_user("looker", "a-long-enough-password-1", Role.VIEWER))
    assert_error(post(viewer, {"filter": {}, "action": "delete"}), 403)
    assert Asset.objects.count() == 3
