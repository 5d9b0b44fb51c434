"""Contract tests for /api/v1/assets, spoken in HTTP (CONTRACT.md section 2)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test import Client

from assets import services
from assets.models import Asset, AssetStatus
from mam.config import Config
from tests.media import make_jpeg, make_png
from tests.support.contract import TIMESTAMP, assert_error

pytestmark = pytest.mark.django_db
API = "/api/v1/assets"


def post_json(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def register(client: Client, file_path: str, **extra: Any) -> Any:
    return post_json(client, API, {"file_path": file_path, **extra})


@pytest.fixture
def photo(media_root: Path) -> Path:
    return make_jpeg(media_root / "holiday" / "beach.jpg")


@pytest.fixture(autouse=True)
def no_broker(task_delay: mock.MagicMock) -> mock.MagicMock:
    """Contract tests check that work is enqueued, not the worker (integration does that)."""
    return task_delay


def make_assets(media_root: Path, count: int) -> list[Asset]:
    out = []
    for i in range(count):
        make_jpeg(media_root / f"set/{i:03d}.jpg", size=(16 + 64 * i, 16 + 64 * i))
        out.append(services.register_asset(file_path=f"set/{i:03d}.jpg", title=f"Photo {i:03d}"))
    return out


# Registering


def test_registering_a_file_returns_the_asset_and_enqueues_after_commit(
    client: Client, photo: Path, no_broker: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = register(client, "holiday/beach.jpg", title="Beach")
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Beach"
    assert body["file_path"] == "holiday/beach.jpg"
    assert body["mime_type"] == "image/jpeg"
    assert body["file_size"] == photo.stat().st_size
    assert body["status"] == "pending"
    assert body["processing"] == {"stage": "queued", "progress": 0, "error": None}
    assert TIMESTAMP.match(body["created_at"]) and TIMESTAMP.match(body["updated_at"])
    assert len(callbacks) == 2  # the asset_created announcement, then the enqueue
    no_broker.assert_called_once_with(body["id"])


def test_title_defaults_to_the_file_name(client: Client, photo: Path) -> None:
    assert register(client, "holiday/beach.jpg").json()["title"] == "beach"


@pytest.mark.parametrize("url", [API, API + "/"])
def test_post_works_with_and_without_trailing_slash(client: Client, photo: Path, url: str) -> None:
    assert post_json(client, url, {"file_path": "holiday/beach.jpg"}).status_code == 201


def test_registering_the_same_file_twice_is_a_conflict_naming_the_asset(
    client: Client, photo: Path
) -> None:
    first = register(client, "holiday/beach.jpg").json()
    body = assert_error(register(client, "./holiday//beach.jpg"), 409, "already registered")
    assert body["context"]["asset_id"] == first["id"]
    assert Asset.objects.count() == 1


@pytest.mark.parametrize(
    ("file_path", "message"),
    [
        ("../etc/passwd", ".."),
        ("/etc/passwd", "absolute"),
        ("%2e%2e/secret.jpg", ".."),
        ("a\\b.jpg", "backslash"),
        ("missing.jpg", "not found"),
        ("notes.txt", "unsupported"),
        ("fake.jpg", "does not match"),
        ("", "empty"),
    ],
)
def test_bad_paths_are_400_with_the_path_as_sent(
    client: Client, media_root: Path, file_path: str, message: str
) -> None:
    (media_root / "notes.txt").write_text("hello")
    (media_root / "fake.jpg").write_text("hello")
    body = assert_error(register(client, file_path), 400, message)
    assert body["context"]["file_path"] == file_path
    assert str(media_root) not in json.dumps(body)
    assert Asset.objects.count() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"file_path": 42},
        {"file_path": None},
        {"title": "x"},
        {"file_path": "a.jpg", "title": "t" * 300},
    ],
)
def test_malformed_registration_bodies_are_400_with_fields(client: Client, payload: Any) -> None:
    body = assert_error(post_json(client, API, payload), 400)
    assert body["context"].get("fields") or body["context"].get("file_path")


@pytest.mark.parametrize("raw", ["[1, 2]", '"a.jpg"', "{bad json", "null"])
def test_non_object_or_broken_json_is_400(client: Client, raw: str) -> None:
    assert_error(client.post(API, data=raw, content_type="application/json"), 400)


def test_unsupported_content_type_is_415(client: Client) -> None:
    assert_error(client.post(API, data="x", content_type="text/plain"), 415)


# Uploading


def test_upload_is_stored_under_uploads_with_a_unique_name(
    client: Client, tmp_path: Path, media_root: Path
) -> None:
    source = make_jpeg(tmp_path / "Cat Photo.jpg")
    first = client.post(API, {"file": source.open("rb"), "title": "Cat"})
    second = client.post(API, {"file": source.open("rb")})
    assert first.status_code == 201 and second.status_code == 201
    a, b = first.json(), second.json()
    assert a["title"] == "Cat" and b["title"] == "Cat Photo"
    assert a["file_path"] == "uploads/Cat Photo.jpg"
    assert b["file_path"].startswith("uploads/Cat Photo-") and b["file_path"] != a["file_path"]
    assert (media_root / b["file_path"]).read_bytes() == source.read_bytes()


def test_large_upload_streams_to_disk_and_lands_intact(
    client: Client, tmp_path: Path, media_root: Path, settings: Any
) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # anything larger goes to a temp file
    source = make_png(tmp_path / "big.png", size=(1200, 900), mode="RGB")
    with source.open("ab") as f:  # trailing bytes make it large; PNG readers ignore them
        f.write(bytes(range(256)) * 4096)
    assert source.stat().st_size > 10 * settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    with mock.patch("assets.services.upload_asset", wraps=services.upload_asset) as upload:
        response = client.post(API, {"file": source.open("rb")})
    assert response.status_code == 201, response.content
    stored = media_root / response.json()["file_path"]
    assert (
        hashlib.sha256(stored.read_bytes()).hexdigest()
        == hashlib.sha256(source.read_bytes()).hexdigest()
    )
    # It reached the service as a file on disk, never as bytes in memory.
    assert isinstance(upload.call_args.kwargs["uploaded"], TemporaryUploadedFile)
    assert not any((media_root / "uploads" / ".incoming").iterdir())


def test_upload_over_the_limit_is_413_and_leaves_nothing(
    client: Client, tmp_path: Path, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Config, "MAX_UPLOAD_BYTES", 1000)
    source = make_jpeg(tmp_path / "photo.jpg", size=(400, 400))
    body = assert_error(client.post(API, {"file": source.open("rb")}), 413, "larger than")
    assert body["context"]["max_bytes"] == 1000
    assert Asset.objects.count() == 0
    assert [p.name for p in (media_root / "uploads").iterdir()] == [".incoming"]


def test_upload_with_content_not_matching_its_name_is_400_and_removed(
    client: Client, tmp_path: Path, media_root: Path
) -> None:
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    assert_error(client.post(API, {"file": fake.open("rb")}), 400, "does not match")
    assert [p.name for p in (media_root / "uploads").iterdir()] == [".incoming"]


def test_upload_of_unsupported_type_is_400(client: Client, tmp_path: Path) -> None:
    doc = tmp_path / "doc.pdf"
    doc.write_bytes(b"%PDF-1.4")
    assert_error(client.post(API, {"file": doc.open("rb")}), 400, "unsupported")


def test_multipart_without_a_file_is_400(client: Client) -> None:
    body = assert_error(client.post(API, {"title": "nothing"}), 400)
    assert "file" in body["context"]["fields"]


# Reading


def test_list_has_the_contract_envelope(client: Client, media_root: Path) -> None:
    make_assets(media_root, 3)
    body = client.get(API).json()
    assert set(body) == {"items", "meta"}
    assert body["meta"] == {
        "page": 1,
        "page_size": 20,
        "total": 3,
        "pages": 1,
        "total_estimated": False,
        "next_cursor": None,
    }
    assert [a["title"] for a in body["items"]] == ["Photo 002", "Photo 001", "Photo 000"]


def test_pagination_pages_and_clamping(client: Client, media_root: Path) -> None:
    make_assets(media_root, 5)
    body = client.get(API, {"page": 2, "page_size": 2}).json()
    meta = body["meta"]
    assert {k: meta[k] for k in ("page", "page_size", "total", "pages")} == {
        "page": 2,
        "page_size": 2,
        "total": 5,
        "pages": 3,
    }
    assert isinstance(meta["next_cursor"], str) and meta["total_estimated"] is False
    assert len(body["items"]) == 2
    assert client.get(API, {"page_size": 1000}).json()["meta"]["page_size"] == 100
    past = client.get(API, {"page": 9, "page_size": 2})
    assert past.status_code == 200 and past.json()["items"] == []


@pytest.mark.parametrize(
    "query", [{"page": "x"}, {"page": 0}, {"page": -1}, {"page_size": "ten"}, {"page_size": 0}]
)
def test_malformed_page_parameters_are_400(client: Client, query: dict[str, Any]) -> None:
    assert_error(client.get(API, query), 400)


def test_filters_by_type_status_mime_and_search(client: Client, media_root: Path) -> None:
    photos = make_assets(media_root, 3)
    make_png(media_root / "diagram.png")
    services.register_asset(file_path="diagram.png", title="Network diagram")
    Asset.objects.filter(pk=photos[0].pk).update(status=AssetStatus.FAILED)

    def titles(**query: Any) -> list[str]:
        response = client.get(API, query)
        assert response.status_code == 200, response.content
        return sorted(a["title"] for a in response.json()["items"])

    assert titles(type="image") == ["Network diagram", "Photo 000", "Photo 001", "Photo 002"]
    assert titles(type="video") == []
    assert titles(status="failed") == ["Photo 000"]
    assert titles(mime_type="image/png") == ["Network diagram"]
    assert titles(q="DIAGRAM") == ["Network diagram"]
    assert titles(q="set/001") == ["Photo 001"]


def test_created_range_filters(client: Client, media_root: Path) -> None:
    old, new = make_assets(media_root, 2)
    Asset.objects.filter(pk=old.pk).update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    cut = (datetime.now(UTC) - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    after = client.get(API, {"created_after": cut}).json()["items"]
    before = client.get(API, {"created_before": cut}).json()["items"]
    assert [a["id"] for a in after] == [new.pk]
    assert [a["id"] for a in before] == [old.pk]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["Photo 000", "Photo 001", "Photo 002"]),
        ("-title", ["Photo 002", "Photo 001", "Photo 000"]),
        ("created_at", ["Photo 000", "Photo 001", "Photo 002"]),
        ("-file_size", ["Photo 002", "Photo 001", "Photo 000"]),
    ],
)
def test_ordering(client: Client, media_root: Path, ordering: str, expected: list[str]) -> None:
    make_assets(media_root, 3)
    items = client.get(API, {"ordering": ordering}).json()["items"]
    assert [a["title"] for a in items] == expected


@pytest.mark.parametrize(
    "query",
    [
        {"ordering": "id; drop table"},
        {"type": "podcast"},
        {"status": "done"},
        {"created_after": "yesterday"},
    ],
)
def test_bad_filter_values_are_400(client: Client, query: dict[str, str]) -> None:
    assert_error(client.get(API, query), 400)


@pytest.mark.parametrize("suffix", ["", "/"])
def test_retrieve_with_and_without_slash(client: Client, photo: Path, suffix: str) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    assert client.get(f"{API}/{asset.pk}{suffix}").json()["id"] == asset.pk


@pytest.mark.parametrize("asset_id", ["999", "0", "abc", "-1"])
def test_unknown_asset_is_404(client: Client, asset_id: str) -> None:
    assert_error(client.get(f"{API}/{asset_id}"), 404, "not found")


# Changing


def test_patch_renames(client: Client, photo: Path) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    for url in (f"{API}/{asset.pk}", f"{API}/{asset.pk}/"):
        response = client.patch(url, data={"title": "  Sunset  "}, content_type="application/json")
        assert response.status_code == 200
        assert response.json()["title"] == "Sunset"
    assert Asset.objects.get().title == "Sunset"


@pytest.mark.parametrize(
    "payload", [{"file_path": "x.jpg"}, {"title": ""}, {"title": "ok", "status": "ready"}]
)
def test_patch_accepts_title_only(client: Client, photo: Path, payload: dict[str, Any]) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    response = client.patch(f"{API}/{asset.pk}", data=payload, content_type="application/json")
    assert_error(response, 400)
    assert Asset.objects.get().file_path == "holiday/beach.jpg"


def test_an_empty_patch_changes_nothing(client: Client, photo: Path) -> None:
    # PATCH is partial, and the schema says title is optional: {} is a valid no-op.
    asset = services.register_asset(file_path="holiday/beach.jpg", title="Beach")
    response = client.patch(f"{API}/{asset.pk}", data={}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == "Beach"
    assert Asset.objects.get().title == "Beach"


def test_the_schema_says_what_the_api_does(client: Client) -> None:
    schema = yaml.safe_load(client.get(f"{API.removesuffix('/assets')}/schema").content)
    listing = schema["paths"]["/api/v1/assets/"]["get"]
    assert "400" in listing["responses"]  # a bad filter value
    page_size = next(p for p in listing["parameters"] if p["name"] == "page_size")
    assert "maximum" not in page_size["schema"]  # larger values are clamped, not refused
    upload = schema["components"]["schemas"]["UploadAssetRequest"]["properties"]["file"]
    assert upload == {"type": "string", "format": "binary"}
    patch = schema["components"]["schemas"]["PatchedChangeAssetRequest"]
    assert "required" not in patch


def test_put_is_405(client: Client, photo: Path) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    assert_error(client.put(f"{API}/{asset.pk}", data={}, content_type="application/json"), 405)


def test_delete_removes_record_and_thumbnail_but_never_the_original(
    client: Client, photo: Path, thumbnail_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    thumb = thumbnail_dir / ("a" * 64 + "-320.jpg")
    thumb.write_bytes(b"jpeg")
    Asset.objects.filter(pk=asset.pk).update(
        media_metadata={"thumbnail_url": f"/thumbnails/{thumb.name}"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"{API}/{asset.pk}/")
    assert response.status_code == 204
    assert not Asset.objects.exists()
    assert not thumb.exists()
    assert photo.exists()
    assert_error(client.delete(f"{API}/{asset.pk}"), 404)


def test_reprocess_resets_state_and_enqueues(
    client: Client, photo: Path, no_broker: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    Asset.objects.filter(pk=asset.pk).update(
        status=AssetStatus.FAILED, processing_error="boom", processing_attempts=3
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/{asset.pk}/reprocess")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and body["processing"]["error"] is None
    no_broker.assert_called_with(asset.pk)
    assert client.post(f"{API}/{asset.pk}/reprocess/").status_code == 202
    assert_error(client.post(f"{API}/999/reprocess"), 404)


# Content streaming


def test_content_streams_the_original_with_ranges(client: Client, photo: Path) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    data = photo.read_bytes()
    whole = client.get(f"{API}/{asset.pk}/content", HTTP_ACCEPT="image/*")
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == data
    assert whole["Accept-Ranges"] == "bytes"
    part = client.get(f"{API}/{asset.pk}/content/", HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:20]
    tail = client.get(f"{API}/{asset.pk}/content", HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == data[-5:]
    assert_error(client.get(f"{API}/{asset.pk}/content", HTTP_RANGE=f"bytes={len(data)}-"), 416)


def test_content_of_a_vanished_file_is_404(client: Client, photo: Path) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    photo.unlink()
    assert_error(client.get(f"{API}/{asset.pk}/content"), 404, "no longer available")


# Errors everywhere


def test_unknown_api_route_is_404_json(client: Client) -> None:
    assert_error(client.get("/api/v1/nothing/here"), 404)
    assert_error(client.post("/api/v2/assets"), 404)


def test_unexpected_crash_is_500_without_traceback(
    client: Client, photo: Path, caplog: Any
) -> None:
    with mock.patch(
        "assets.services.validate_media_path", side_effect=RuntimeError("/secret/path boom")
    ):
        body = assert_error(register(client, "holiday/beach.jpg"), 500, "internal server error")
    assert "secret" not in json.dumps(body)


def test_schema_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/assets" in schema.content.decode()
    assert client.get("/api/v1/docs").status_code == 200


def test_cors_allows_only_configured_origins(client: Client, settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["http://ui.example"]
    allowed = client.get(API, HTTP_ORIGIN="http://ui.example")
    denied = client.get(API, HTTP_ORIGIN="http://evil.example")
    assert allowed["Access-Control-Allow-Origin"] == "http://ui.example"
    assert "Access-Control-Allow-Origin" not in denied


def test_with_debug_on_errors_keep_the_contract_body(
    client: Client, photo: Path, settings: Any
) -> None:
    settings.DEBUG = True
    assert_error(client.get("/api/v1/no/such/route"), 404)
    with mock.patch("assets.services.validate_media_path", side_effect=RuntimeError("/srv/secret")):
        body = assert_error(register(client, "holiday/beach.jpg"), 500, "internal server error")
    assert "secret" not in json.dumps(body)


# Requests Django refuses while a view reads them: the contract's body, never a 500.

MANY_PARAMS = "&".join(f"p{i}=1" for i in range(1001))


def _file_parts(count: int) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {f"f{i}": SimpleUploadedFile(f"{i}.jpg", b"\xff\xd8\xff") for i in range(count)}


@pytest.mark.parametrize(
    ("send", "status", "says"),
    [
        (
            lambda c, a: c.post(
                "/api/v1/assets",
                json.dumps({"file_path": "x" * (3 * 1024 * 1024)}),
                content_type="application/json",
            ),
            413,
            "larger than the limit of 2621440 bytes",
        ),
        (
            lambda c, a: c.patch(
                f"/api/v1/assets/{a}",
                json.dumps({"title": "t" * (3 * 1024 * 1024)}),
                content_type="application/json",
            ),
            413,
            "larger than the limit",
        ),
        (
            lambda c, a: c.post("/api/v1/assets", {"title": "t" * (3 * 1024 * 1024)}),
            413,
            "larger than the limit",
        ),
        (
            lambda c, a: c.post("/api/v1/assets", {f"f{i}": "v" for i in range(1100)}),
            400,
            "too many parameters or form fields",
        ),
        (lambda c, a: c.post("/api/v1/assets", _file_parts(200)), 400, "too many files"),
        (lambda c, a: c.get("/api/v1/assets?" + MANY_PARAMS), 400, "too many parameters"),
        (lambda c, a: c.get(f"/api/v1/assets/{a}?" + MANY_PARAMS), 400, "too many parameters"),
        (lambda c, a: c.get("/api/v1/health/status?" + MANY_PARAMS), 400, "too many parameters"),
    ],
    ids=[
        "json-over-2.5MiB",
        "patch-over-2.5MiB",
        "3MB-text-field",
        "1100-fields",
        "200-file-parts",
        "1001-params-list",
        "1001-params-detail",
        "1001-params-health",
    ],
)
def test_requests_over_djangos_limits_get_the_contract_error(
    client: Client, photo: Path, send: Any, status: int, says: str
) -> None:
    asset = services.register_asset(file_path="holiday/beach.jpg")
    before = Asset.objects.count()
    assert_error(send(client, asset.pk), status, says)
    assert Asset.objects.count() == before
    assert Asset.objects.get(pk=asset.pk).title == asset.title
