"""Folder imports over the API: POST /api/v1/imports, its job's counts, rejections, cancel and
recovery, `import_update` events, and the folder browser GET /api/v1/folders."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry, Role
from accounts.roles import create_user
from assets.ingest import import_jobs
from assets.models import Asset, ImportJob, ImportStatus, ProcessingStage
from tests.media import make_jpeg, make_png

pytestmark = pytest.mark.django_db

API = "/api/v1/imports"


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> Iterator[mock.MagicMock]:
    """No import or processing task reaches a broker; yields the import task's `delay`."""
    with mock.patch("assets.jobs.tasks.run_import.delay") as delay:
        yield delay


@pytest.fixture(autouse=True)
def published() -> Iterator[list[Any]]:
    """Every event published, in order, instead of Redis."""
    sent: list[Any] = []
    with mock.patch(
        "assets.realtime.events.publish_events", side_effect=lambda events: sent.extend(events)
    ):
        yield sent


def post(client: Client, body: Any) -> Any:
    return client.post(API, json.dumps(body), content_type="application/json")


def start(client: Client, body: Any, capture: Any) -> dict[str, Any]:
    with capture(execute=True):
        response = post(client, body)
    assert response.status_code == 201, response.content
    return dict(response.json())


def library(root: Path) -> None:
    make_jpeg(root / "trip" / "a.jpg")
    make_png(root / "trip" / "day 2" / "b.png")
    make_jpeg(root / "trip" / "skip" / "c.jpg")
    (root / "trip" / "notes.txt").write_text("not media")
    (root / "trip" / "broken.jpg").write_bytes(b"this is no picture")


def test_an_import_registers_the_folder_and_reports_every_outcome(
    client: Client,
    media_root: Path,
    no_broker: mock.MagicMock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    library(media_root)
    make_jpeg(media_root / "elsewhere.jpg")
    body = {"path": "trip", "exclude": ["skip", "*.txt"]}
    job = start(client, body, django_capture_on_commit_callbacks)
    assert job["status"] == "queued" and job["path"] == "trip" and job["exclude"] == body["exclude"]
    assert job["created_by"] == "admin-test" and job["total"] is None
    assert job["cancel_requested"] is False
    no_broker.assert_called_once_with(job["id"])

    import_jobs.run(job["id"])

    done = client.get(f"{API}/{job['id']}").json()
    assert done["status"] == "done" and done["error"] is None
    assert done["total"] == 4  # the folder "skip" is not even walked
    assert done["counts"] == {
        "seen": 4,
        "added": 2,
        "skipped": 0,
        "ignored": 0,
        "rejected": 1,
        "excluded": 1,
    }
    (rejection,) = done["rejections"]
    assert rejection["path"] == "trip/broken.jpg" and rejection["reason"]
    assert done["started_at"] and done["finished_at"]
    assert set(Asset.objects.values_list("file_path", flat=True)) == {
        "trip/a.jpg",
        "trip/day 2/b.png",
    }
    entries = AuditEntry.objects.filter(action=AuditAction.REGISTER)
    assert {(e.actor_name, e.client, e.detail["import_id"]) for e in entries} == {
        ("admin-test", f"import {job['id']}", job["id"])
    }
    assert entries.count() == 2


def test_a_second_import_of_the_same_folder_skips_what_is_registered(
    client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    library(media_root)
    first = start(client, {"path": "trip"}, django_capture_on_commit_callbacks)
    import_jobs.run(first["id"])
    again = start(
        client, {"path": "/".join([str(media_root), "trip"])}, django_capture_on_commit_callbacks
    )
    import_jobs.run(again["id"])
    counts = client.get(f"{API}/{again['id']}").json()["counts"]
    assert (counts["added"], counts["skipped"]) == (0, 3)
    listed = client.get(API).json()["items"]
    assert [j["id"] for j in listed] == [again["id"], first["id"]]  # newest first


def test_progress_is_announced_as_import_update_without_the_rejections(
    client: Client,
    media_root: Path,
    published: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    library(media_root)
    job = start(client, {"path": ""}, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.run(job["id"])
    imports = [e for e in published if e.kind == "import_update"]
    statuses = [e.data()["status"] for e in imports]
    assert statuses[0] == "queued" and statuses[-1] == "done"
    assert "running" in statuses
    assert all("rejections" not in e.data() for e in imports)
    last = imports[-1].data()
    assert last["id"] == job["id"] and last["counts"]["added"] == 3 and last["total"] == 5
    # The assets themselves are announced as they are registered.
    assert sum(e.kind == "asset_created" for e in published) == 3


def test_without_process_the_assets_wait_unqueued(
    client: Client,
    media_root: Path,
    task_delay: mock.MagicMock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_jpeg(media_root / "later.jpg")
    job = start(client, {"process": False}, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        import_jobs.run(job["id"])
    asset = Asset.objects.get()
    assert asset.processing_stage == ProcessingStage.NOT_QUEUED
    task_delay.assert_not_called()


def test_a_queued_import_cancelled_never_runs(
    client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    make_jpeg(media_root / "x.jpg")
    job = start(client, {}, django_capture_on_commit_callbacks)
    cancelled = client.post(f"{API}/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    import_jobs.run(job["id"])
    assert Asset.objects.count() == 0
    again = client.post(f"{API}/{job['id']}/cancel")
    assert again.status_code == 409 and "already ended" in again.json()["error"]


def test_a_running_import_cancelled_stops_and_keeps_what_it_registered(
    client: Client,
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for n in range(6):
        make_jpeg(media_root / f"p{n}.jpg", size=(8, 8))
    job = start(client, {}, django_capture_on_commit_callbacks)
    monkeypatch.setattr(import_jobs, "PROGRESS_EVERY_SECONDS", 0)
    monkeypatch.setattr("assets.ingest.bulk_import.BATCH_SIZE", 2)
    real_notify = import_jobs._Progress.notify

    def notify_then_cancel(self: Any, outcome: Any, relative: str, reason: str | None) -> None:
        if self.job.seen == 2:  # asked while the third file is being counted
            client.post(f"{API}/{job['id']}/cancel")
        real_notify(self, outcome, relative, reason)

    monkeypatch.setattr(import_jobs._Progress, "notify", notify_then_cancel)
    import_jobs.run(job["id"])
    ended = client.get(f"{API}/{job['id']}").json()
    assert ended["status"] == "cancelled" and ended["cancel_requested"] is True
    assert 0 < ended["counts"]["added"] < 6
    assert Asset.objects.count() == ended["counts"]["added"]


def test_a_folder_that_vanished_before_the_worker_took_it_fails_with_the_reason(
    client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    (media_root / "gone").mkdir()
    job = start(client, {"path": "gone"}, django_capture_on_commit_callbacks)
    (media_root / "gone").rmdir()
    import_jobs.run(job["id"])
    failed = client.get(f"{API}/{job['id']}").json()
    assert failed["status"] == "failed"
    assert failed["error"] == "gone: no such file or directory"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"path": "../outside"}, "outside the media folder"),
        ({"path": "/etc"}, "outside the media folder"),
        ({"path": "nothing/here"}, "no such file or directory"),
        ({"path": 7}, "path: Not a valid string."),
        ({"path": "ok", "exclude": "skip"}, "exclude: Expected a list of items"),
        ({"exclude": [""]}, "exclude: 0: This field may not be blank."),
        ({"exclude": [" "]}, "An exclude pattern must be 1 to 200 characters"),
        ({"exclude": ["x"] * 51}, "exclude: Ensure this field has no more than 50 elements."),
        ({"process": "yes"}, "process: Must be true or false."),
        ({"folder": "trip"}, "folder: Unknown field."),
        ([], "Request body must be a JSON object"),
    ],
)
def test_bad_input_is_a_400_in_the_contracts_format_and_starts_nothing(
    client: Client, media_root: Path, body: Any, message: str, no_broker: mock.MagicMock
) -> None:
    (media_root / "ok").mkdir()
    response = post(client, body)
    assert response.status_code == 400, response.content
    error = response.json()
    assert message in error["error"] and set(error) == {"error", "timestamp", "context"}
    assert ImportJob.objects.count() == 0
    no_broker.assert_not_called()


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "99999", "9" * 30])
def test_an_unknown_import_is_a_404(client: Client, raw: str) -> None:
    for response in (client.get(f"{API}/{raw}"), client.post(f"{API}/{raw}/cancel")):
        assert response.status_code == 404
        assert response.json()["error"] == "Import not found"


def test_viewers_follow_imports_but_only_editors_start_cancel_or_browse(
    client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    job = start(client, {}, django_capture_on_commit_callbacks)
    viewer = Client()
    viewer.force_login(create_user("looker", "a-long-enough-password-1", Role.VIEWER))
    assert viewer.get(API).status_code == 200
    assert viewer.get(f"{API}/{job['id']}").status_code == 200
    assert post(viewer, {}).status_code == 403
    assert viewer.post(f"{API}/{job['id']}/cancel").status_code == 403
    assert viewer.get("/api/v1/folders").status_code == 403
    editor = Client()
    editor.force_login(create_user("maker", "a-long-enough-password-1", Role.EDITOR))
    assert editor.get("/api/v1/folders").status_code == 200
    assert post(editor, {}).status_code == 201
    assert Client().get(API).status_code == 401


def test_a_lost_import_is_started_again_and_failed_after_its_last_attempt(
    client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    job = start(client, {}, django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=job["id"]).update(
        status=ImportStatus.RUNNING, heartbeat_at=long_ago, attempts=1
    )
    fresh = start(client, {}, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=fresh["id"]).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now(), attempts=1
    )
    requeued: list[int] = []
    assert import_jobs.reconcile_lost(requeue=requeued.append) == (1, 0)
    assert requeued == [job["id"]]
    assert ImportJob.objects.get(pk=job["id"]).status == ImportStatus.QUEUED
    assert ImportJob.objects.get(pk=fresh["id"]).status == ImportStatus.RUNNING

    ImportJob.objects.filter(pk=job["id"]).update(
        status=ImportStatus.RUNNING, heartbeat_at=long_ago, attempts=import_jobs.MAX_ATTEMPTS
    )
    assert import_jobs.reconcile_lost(requeue=requeued.append) == (0, 1)
    lost = client.get(f"{API}/{job['id']}").json()
    assert lost["status"] == "failed" and "worker was lost" in lost["error"]


def test_a_queued_import_whose_message_was_lost_is_sent_again(
    client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    job = start(client, {}, django_capture_on_commit_callbacks)
    requeued: list[int] = []
    assert import_jobs.reconcile_lost(requeue=requeued.append) == (0, 0)  # not yet: just sent
    ImportJob.objects.filter(pk=job["id"]).update(
        heartbeat_at=timezone.now() - timedelta(seconds=import_jobs.UNCLAIMED_AFTER_SECONDS + 1)
    )
    assert import_jobs.reconcile_lost(requeue=requeued.append) == (1, 0)
    assert requeued == [job["id"]]
    import_jobs.run(job["id"])
    assert client.get(f"{API}/{job['id']}").json()["status"] == "done"


def test_the_folder_browser_lists_subfolders_only_by_name(client: Client, media_root: Path) -> None:
    for name in ("Zebra", "apple", "Été", ".hidden", "trip/inner"):
        (media_root / name).mkdir(parents=True, exist_ok=True)
    make_jpeg(media_root / "photo.jpg")
    os.symlink(media_root / "apple", media_root / "link-to-apple")
    root = client.get("/api/v1/folders").json()
    assert root["path"] == "" and root["parent"] is None and root["truncated"] is False
    names = [f["name"] for f in root["folders"]]
    assert names == ["apple", "trip", "uploads", "Zebra", "Été"]
    inner = client.get("/api/v1/folders", {"path": "trip"}).json()
    assert inner == {
        "path": "trip",
        "parent": "",
        "folders": [{"name": "inner", "path": "trip/inner"}],
        "truncated": False,
    }
    assert client.get("/api/v1/folders", {"path": "trip/inner"}).json()["parent"] == "trip"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../", "outside the media folder"),
        ("photo.jpg", "not a folder"),
        ("missing", "no such file or directory"),
        ("a\x00b", "NUL"),
    ],
)
def test_the_folder_browser_refuses_what_an_import_would(
    client: Client, media_root: Path, path: str, message: str
) -> None:
    make_jpeg(media_root / "photo.jpg")
    response = client.get("/api/v1/folders", {"path": path})
    assert response.status_code == 400
    assert message in response.json()["error"]
