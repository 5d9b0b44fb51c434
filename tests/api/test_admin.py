"""The Django admin as a logged-in staff user: list, filter, search, actions, read-only detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from assets.models import Asset, AssetStatus
from mam.config import Config
from tests.factories import asset_for_file
from tests.media import make_jpeg

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/assets/asset/"
THUMB = "a" * 64 + "-320.jpg"


@pytest.fixture(autouse=True)
def delay(task_delay: mock.MagicMock, quiet_events: mock.MagicMock) -> mock.MagicMock:
    return task_delay


@pytest.fixture
def staff(client: Client) -> Client:
    user = User.objects.create_user("operator", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="assets"))
    client.force_login(user)
    return client


def make_asset(media_root: Path, name: str, **fields: Any) -> Asset:
    return asset_for_file(make_jpeg(media_root / name, size=(16, 16)), name, **fields)


@pytest.fixture
def library(media_root: Path) -> dict[str, Asset]:
    (Config.THUMBNAIL_DIR / THUMB).write_bytes(b"\xff\xd8\xff")
    return {
        "beach": make_asset(
            media_root,
            "holiday/beach.jpg",
            status=AssetStatus.READY,
            file_size=5 * 1024 * 1024,
            media_metadata={"width": 16, "thumbnail_url": f"/thumbnails/{THUMB}"},
        ),
        "clip": make_asset(
            media_root,
            "clips/surf.jpg",
            title="Surf clip",
            media_type="video",
            mime_type="video/mp4",
            status=AssetStatus.FAILED,
            processing_error="File content does not match its .mp4 extension",
        ),
        "cat": make_asset(media_root, "pets/cat.jpg", status=AssetStatus.PENDING),
    }


def titles(response: Any) -> set[str]:
    return {a.title for a in response.context["cl"].result_list}


def test_the_list_shows_previews_status_type_and_human_sizes(
    staff: Client, library: dict[str, Asset]
) -> None:
    response = staff.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<img src="/thumbnails/{THUMB}"' in html
    assert "5.0\xa0MB" in html or "5.0 MB" in html
    assert titles(response) == {"beach", "Surf clip", "cat"}
    for column in ("Preview", "Title", "Status", "Media type", "Size", "Created at"):
        assert column in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("media_type__exact=video", {"Surf clip"}),
        ("status__exact=failed", {"Surf clip"}),
        ("status__exact=ready", {"beach"}),
        ("mime_type=image/jpeg", {"beach", "cat"}),
        ("q=holiday", {"beach"}),
        ("q=surf", {"Surf clip"}),
        ("q=nothing-matches", set()),
    ],
)
def test_filters_and_search_narrow_the_list(
    staff: Client, library: dict[str, Asset], query: str, expected: set[str]
) -> None:
    response = staff.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_the_reprocess_action_resets_and_enqueues_the_selection(
    staff: Client,
    library: dict[str, Asset],
    delay: mock.MagicMock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    clip = library["clip"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            CHANGELIST,
            {"action": "reprocess_selected", "_selected_action": [clip.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "Queued 1 asset(s) for reprocessing." in response.content.decode()
    clip.refresh_from_db()
    assert clip.status == AssetStatus.PENDING
    assert clip.processing_error == ""
    assert [c.args[0] for c in delay.call_args_list] == [clip.pk]


def test_the_delete_action_removes_records_and_thumbnails_but_never_the_media(
    staff: Client,
    library: dict[str, Asset],
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    beach = library["beach"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            CHANGELIST,
            {"action": "delete_selected_assets", "_selected_action": [beach.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert not Asset.objects.filter(pk=beach.pk).exists()
    assert not (Config.THUMBNAIL_DIR / THUMB).exists()
    assert (media_root / "holiday" / "beach.jpg").exists()


def test_django_bulk_delete_is_replaced_by_the_service_action(
    staff: Client, library: dict[str, Asset]
) -> None:
    html = staff.get(CHANGELIST).content.decode()
    assert 'value="delete_selected_assets"' in html
    assert 'value="delete_selected"' not in html


def test_the_detail_is_read_only_with_metadata_and_error(
    staff: Client, library: dict[str, Asset]
) -> None:
    clip = library["clip"]
    html = staff.get(f"{CHANGELIST}{clip.pk}/change/").content.decode()
    assert "File content does not match its .mp4 extension" in html
    assert 'name="title"' not in html  # no editable form fields
    beach_html = staff.get(f"{CHANGELIST}{library['beach'].pk}/change/").content.decode()
    assert "&quot;width&quot;: 16" in beach_html
    assert "<pre" in beach_html


def test_assets_cannot_be_added_through_the_admin(staff: Client) -> None:
    assert staff.get(f"{CHANGELIST}add/").status_code == 403


def test_the_admin_requires_a_staff_login(
    anonymous_client: Client, library: dict[str, Asset]
) -> None:
    response = anonymous_client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
