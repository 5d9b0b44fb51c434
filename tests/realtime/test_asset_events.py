"""Assets created, renamed and deleted become numbered, retained events once the change
commits (assets.realtime.asset_events through events.py), from every path that changes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from django.contrib.auth.models import Permission, User
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assets import services
from assets.ingest.paths import validate_media_path
from assets.realtime import events
from mam.redis_clients import Purpose, redis_client
from tests.factories import AssetFactory
from tests.media import make_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


@pytest.fixture
def since() -> Callable[[], list[dict[str, Any]]]:
    """Returns the events retained after the test started, as clients receive them."""
    start = events.current_seq()

    def retained() -> list[dict[str, Any]]:
        messages, complete = events.updates_after(start, limit=100_000)
        assert complete
        return messages

    return retained


def kinds(messages: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(m["type"], m["data"]["asset_id"]) for m in messages]


def test_a_rename_is_announced_only_once_it_commits(
    since: Any, django_capture_on_commit_callbacks: Any
) -> None:
    asset = AssetFactory(title="Old")
    with django_capture_on_commit_callbacks() as callbacks:
        services.rename_asset(asset_id=asset.pk, title="  New name ")
        assert since() == []  # nothing before the commit
    for callback in callbacks:
        callback()

    [message] = since()
    assert message["type"] == "asset_update"
    assert message["data"] == {"asset_id": asset.pk, "title": "New name"}
    assert message["seq"] == events.current_seq()


def test_a_rename_to_the_same_title_announces_nothing(
    since: Any, django_capture_on_commit_callbacks: Any
) -> None:
    asset = AssetFactory(title="Same")
    with django_capture_on_commit_callbacks(execute=True):
        services.rename_asset(asset_id=asset.pk, title="Same ")
    assert since() == []


def test_a_delete_is_announced_after_commit_and_not_at_all_when_rolled_back(
    since: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kept, gone = AssetFactory(), AssetFactory()

    def delete_then_fail() -> None:
        with transaction.atomic():
            services.delete_asset(asset_id=kept.pk)
            raise RuntimeError("the caller's transaction fails")

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            delete_then_fail()
        services.delete_asset(asset_id=gone.pk)

    assert kinds(since()) == [("asset_deleted", gone.pk)]
    assert since()[0]["data"] == {"asset_id": gone.pk}


def test_deleting_from_the_admin_is_announced(
    client: Client, since: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = User.objects.create_user("operator", password="pw", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="assets"))
    client.force_login(staff)
    first, second = AssetFactory(), AssetFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/assets/asset/",
            {"action": "delete_selected_assets", "_selected_action": [first.pk, second.pk]},
        )
    assert response.status_code == 302
    assert sorted(kinds(since())) == sorted(
        [("asset_deleted", first.pk), ("asset_deleted", second.pk)]
    )


def test_registering_announces_the_asset_before_its_first_processing_update(
    media_root: Path, since: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_jpeg(media_root / "trip" / "beach.jpg", size=(16, 16))
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.register_asset(file_path="trip/beach.jpg", title="Beach")

    created, queued = since()
    assert (created["type"], queued["type"]) == ("asset_created", "processing_update")
    assert created["seq"] + 1 == queued["seq"]
    data = created["data"]
    assert data["asset_id"] == data["id"] == asset.pk
    assert {k: data[k] for k in ("title", "file_path", "media_type", "mime_type", "status")} == {
        "title": "Beach",
        "file_path": "trip/beach.jpg",
        "media_type": "image",
        "mime_type": "image/jpeg",
        "status": "pending",
    }
    assert data["file_size"] == asset.file_size
    assert data["created_at"].endswith("Z")  # as the API shows it: the card needs no GET


def test_a_bulk_registration_announces_every_asset_in_rounds(
    media_root: Path,
    since: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(events, "PUBLISH_BATCH", 2)
    rounds: list[int] = []
    publish_batch = events._publish_batch

    def counted(batch: Any) -> list[int | None]:
        rounds.append(len(batch))
        return publish_batch(batch)

    monkeypatch.setattr(events, "_publish_batch", counted)
    files = []
    for n in range(5):
        make_jpeg(media_root / f"import/{n}.jpg", size=(8, 8))
        files.append(validate_media_path(f"import/{n}.jpg"))
    with django_capture_on_commit_callbacks(execute=True):
        created = services.register_many(files, enqueue=False)

    assert kinds(since()) == [("asset_created", a.pk) for a in created]
    assert len(created) == 5
    assert rounds == [2, 2, 1]


def test_a_bulk_registration_that_meets_registered_paths_announces_only_the_new_ones(
    media_root: Path, since: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_jpeg(media_root / "a.jpg", size=(8, 8))
    make_jpeg(media_root / "b.jpg", size=(8, 8))
    AssetFactory(file_path="a.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.register_many(
            [validate_media_path("a.jpg"), validate_media_path("b.jpg")], enqueue=False
        )

    assert [a.file_path for a in created] == ["b.jpg"]
    assert kinds(since()) == [("asset_created", created[0].pk)]


def test_a_change_still_succeeds_when_redis_cannot_take_its_event(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    asset = AssetFactory(title="Old")

    def unreachable(purpose: Purpose) -> Any:
        broken = mock.Mock()
        broken.eval.side_effect = redis.ConnectionError("Redis is away")
        return broken

    monkeypatch.setattr(events, "redis_client", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        renamed = services.rename_asset(asset_id=asset.pk, title="New")
        services.delete_asset(asset_id=asset.pk)
    assert renamed.title == "New"
    assert events.publish_events([events.asset_deleted(asset.pk)]) == [None]


def test_an_entry_retained_before_events_had_kinds_reads_as_a_processing_update(
    since: Any,
) -> None:
    seq = events.current_seq() + 1
    client = redis_client(Purpose.EVENTS)
    client.xadd(events.stream_key(), {"data": '{"asset_id": 3, "progress": 5}'}, id=f"{seq}-0")
    client.set(events.seq_key(), seq)
    assert since() == [
        {"type": "processing_update", "seq": seq, "data": {"asset_id": 3, "progress": 5}}
    ]


def test_every_kind_is_retained_in_one_sequence(since: Any) -> None:
    seqs = events.publish_events(
        [
            events.asset_created(1, {"id": 1, "title": "A"}),
            events.ProcessingUpdate(asset_id=1, status="pending", stage="queued", progress=0),
            events.asset_updated(1, {"title": "B"}),
            events.asset_deleted(1),
        ]
    )
    assert None not in seqs
    assert [m["seq"] for m in since()] == seqs
    assert [m["type"] for m in since()] == [
        "asset_created",
        "processing_update",
        "asset_update",
        "asset_deleted",
    ]


def test_announcing_a_bulk_registration_costs_no_query_per_asset(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    def register(names: list[str]) -> int:
        files = []
        for name in names:
            make_jpeg(media_root / name, size=(8, 8))
            files.append(validate_media_path(name))
        with (
            django_capture_on_commit_callbacks(execute=True),
            CaptureQueriesContext(connection) as counted,
        ):
            services.register_many(files, enqueue=False)
        # SQLite caps the parameters of one statement, so Django splits a bulk INSERT of
        # many rows into several: that is the database's batching, not a query per asset.
        inserts = sum(
            q["sql"].startswith('INSERT INTO "assets_asset"') for q in counted.captured_queries
        )
        assert inserts <= 3, "one INSERT per asset"
        return len(counted.captured_queries) - inserts

    assert register([f"few/{n}.jpg" for n in range(2)]) == register(
        [f"many/{n}.jpg" for n in range(40)]
    )
