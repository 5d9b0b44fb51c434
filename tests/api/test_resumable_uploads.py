"""The resumable upload (tus 1.0.0) at /api/v1/uploads, spoken in HTTP."""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from assets.ingest import resumable
from assets.models import Asset, ResumableUpload
from mam.config import Config
from tests.media import make_jpeg
from tests.support.contract import assert_error

pytestmark = pytest.mark.django_db
URL = "/api/v1/uploads"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    return task_delay


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def photo_bytes(tmp_path: Path) -> bytes:
    return make_jpeg(tmp_path / "src" / "photo.jpg", size=(640, 480)).read_bytes()


def create(client: Client, length: int, filename: str = "beach.jpg", **extra: Any) -> Any:
    metadata = f"filename {b64(filename)},title {b64('A beach')}"
    return client.post(
        URL, HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=metadata, **TUS, **extra
    )


def patch(client: Client, location: str, offset: int, chunk: bytes, **extra: Any) -> Any:
    return client.patch(
        location,
        data=chunk,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **TUS,
        **extra,
    )


def test_a_file_uploaded_in_chunks_becomes_an_asset(client: Client, tmp_path: Path) -> None:
    data = photo_bytes(tmp_path)
    created = create(client, len(data))
    assert created.status_code == 201, created.content
    assert created["Tus-Resumable"] == "1.0.0"
    location = created["Location"]
    assert location.startswith("/api/v1/uploads/")
    third = len(data) // 3
    for start in (0, third, 2 * third):
        end = len(data) if start == 2 * third else start + third
        response = patch(client, location, start, data[start:end])
        assert response.status_code == 204, response.content
        assert int(response["Upload-Offset"]) == end
    state = client.get(location, HTTP_ACCEPT="application/json").json()
    assert state["offset"] == state["length"] == len(data)
    asset = Asset.objects.get(pk=state["asset_id"])
    assert asset.title == "A beach" and asset.file_path == "uploads/beach.jpg"
    assert (Config.upload_dir / "beach.jpg").read_bytes() == data
    assert not any(Config.partial_dir.iterdir())  # nothing left behind


def test_head_tells_where_to_resume(client: Client, tmp_path: Path) -> None:
    data = photo_bytes(tmp_path)
    location = create(client, len(data))["Location"]
    patch(client, location, 0, data[:1000])
    head = client.head(location, **TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == "1000" and head["Upload-Length"] == str(len(data))
    assert head["Cache-Control"] == "no-store"
    assert patch(client, location, 1000, data[1000:]).status_code == 204


def test_a_chunk_at_the_wrong_offset_is_a_409_and_changes_nothing(
    client: Client, tmp_path: Path
) -> None:
    data = photo_bytes(tmp_path)
    location = create(client, len(data))["Location"]
    patch(client, location, 0, data[:500])
    body = assert_error(patch(client, location, 0, data[:500]), 409)
    assert body["context"]["upload_offset"] == 500
    assert client.head(location, **TUS)["Upload-Offset"] == "500"


def test_a_chunk_past_the_declared_length_is_refused(client: Client) -> None:
    location = create(client, 10)["Location"]
    assert_error(patch(client, location, 0, b"x" * 11), 400, "upload-length")
    assert client.head(location, **TUS)["Upload-Offset"] == "0"


def test_an_upload_over_the_size_limit_is_refused_before_any_byte(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "MAX_UPLOAD_BYTES", 1000)
    assert_error(create(client, 1001), 413)
    assert ResumableUpload.objects.count() == 0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"HTTP_UPLOAD_LENGTH": "10"}, 400),  # no metadata
        ({"HTTP_UPLOAD_LENGTH": "x", "HTTP_UPLOAD_METADATA": f"filename {b64('a.jpg')}"}, 400),
        ({"HTTP_UPLOAD_LENGTH": "-1", "HTTP_UPLOAD_METADATA": f"filename {b64('a.jpg')}"}, 400),
        ({"HTTP_UPLOAD_METADATA": f"filename {b64('a.jpg')}"}, 400),  # no length
        ({"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "filename ***"}, 400),
        ({"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": f"title {b64('t')}"}, 400),
        ({"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": f"filename {b64('a.exe')}"}, 400),
    ],
)
def test_bad_creation_requests_get_the_error_body(
    client: Client, headers: dict[str, str], status: int
) -> None:
    assert_error(client.post(URL, **TUS, **headers), status)


def test_a_wrong_protocol_version_is_412(client: Client) -> None:
    response = client.post(
        URL,
        HTTP_TUS_RESUMABLE="0.2.2",
        HTTP_UPLOAD_LENGTH="10",
        HTTP_UPLOAD_METADATA=f"filename {b64('a.jpg')}",
    )
    assert_error(response, 412)


def test_a_chunk_must_say_its_media_type(client: Client) -> None:
    location = create(client, 10)["Location"]
    response = client.patch(
        location, data=b"x", content_type="text/plain", HTTP_UPLOAD_OFFSET="0", **TUS
    )
    assert response.status_code == 415


def test_bytes_that_are_no_image_are_refused_at_the_end(client: Client) -> None:
    junk = os.urandom(2000)
    location = create(client, len(junk), "fake.jpg")["Location"]
    response = patch(client, location, 0, junk)
    assert response.status_code in {400, 415}
    assert_error(response, response.status_code)
    assert Asset.objects.count() == 0
    assert not list(Config.upload_dir.glob("fake*.jpg"))
    assert client.head(location, **TUS).status_code == 404  # HEAD: no body


def test_cancel_removes_the_partial(client: Client) -> None:
    location = create(client, 10)["Location"]
    upload_id = location.rsplit("/", 1)[-1]
    assert (Config.partial_dir / upload_id).exists()
    assert client.delete(location, **TUS).status_code == 204
    assert not (Config.partial_dir / upload_id).exists()
    assert client.head(location, **TUS).status_code == 404  # HEAD: no body


def test_abandoned_uploads_expire(client: Client) -> None:
    location = create(client, 10)["Location"]
    upload_id = location.rsplit("/", 1)[-1]
    fresh = create(client, 10)["Location"].rsplit("/", 1)[-1]
    ResumableUpload.objects.filter(pk=upload_id).update(
        updated_at=timezone.now() - timedelta(seconds=Config.UPLOAD_EXPIRY_SECONDS + 1)
    )
    assert resumable.expire() == 1
    assert not (Config.partial_dir / upload_id).exists()
    assert (Config.partial_dir / fresh).exists()


def test_nobody_else_sees_or_touches_an_upload(client: Client, admin_user: Any) -> None:
    from accounts.models import Role
    from accounts.roles import create_user

    location = create(client, 10)["Location"]
    other = Client()
    other.force_login(create_user("other-editor", "a-long-enough-password-9", Role.EDITOR))
    assert other.head(location, **TUS).status_code == 404
    assert_error(patch(other, location, 0, b"x"), 404)
    assert_error(other.delete(location, **TUS), 404)


def test_discovery_says_what_is_supported(client: Client) -> None:
    response = client.options(URL)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert "creation" in response["Tus-Extension"] and "termination" in response["Tus-Extension"]
    assert response["Tus-Max-Size"] == str(Config.MAX_UPLOAD_BYTES)


def test_a_viewer_cannot_upload(anonymous_client: Client) -> None:
    from accounts.models import Role
    from accounts.roles import create_user

    viewer = Client()
    viewer.force_login(create_user("just-looking", "a-long-enough-password-8", Role.VIEWER))
    assert_error(create(viewer, 10), 403)
    assert_error(create(anonymous_client, 10), 401)


def test_the_metadata_parser_rejects_malformed_pairs() -> None:
    assert resumable.parse_metadata(f"filename {b64('x.jpg')},flag") == {
        "filename": "x.jpg",
        "flag": "",
    }
    for bad in ("filename a b", f"filename {b64('x')},filename {b64('y')}", "k \u00e9"):
        with pytest.raises(resumable.InvalidInput):
            resumable.parse_metadata(bad)
