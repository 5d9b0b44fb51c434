"""The list's media filters (camera, min_width/min_height, min_duration/max_duration,
orientation, has_audio): each against a hand count, combined with the others and with
orderings and cursors, refused with the contract's 400, in the schema, in the bulk action's
filter form and in the facets. Both databases."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.db import connection
from django.test import Client

from accounts.models import AuditEntry
from assets.api.filters import AssetFilter
from assets.library import index, tags
from assets.library.media_columns import media_columns
from assets.models import Asset, AssetStatus, MediaType
from tests.support.contract import assert_error

API = "/api/v1/assets"
FILTERS = ("camera", "min_width", "min_height", "min_duration", "max_duration")
NAMES = (*FILTERS, "orientation", "has_audio")


def asset(title: str, media_type: str = MediaType.IMAGE, **metadata: Any) -> Asset:
    """An asset as the worker leaves it: its metadata, and the columns copied out of it."""
    return Asset.objects.create(
        title=title,
        file_path=f"f/{title}.{'jpg' if media_type == MediaType.IMAGE else 'mp4'}",
        media_type=media_type,
        mime_type="image/jpeg" if media_type == MediaType.IMAGE else "video/mp4",
        file_size=len(title),
        status=AssetStatus.READY if metadata else AssetStatus.PENDING,
        media_metadata=metadata,
        **media_columns(metadata),
    )


@pytest.fixture
def library(db: None) -> None:
    video = MediaType.VIDEO
    asset("wide", width=4000, height=3000, camera="Canon EOS R5")
    asset("tall", width=3000, height=4000, camera="canon eos r5")  # the same camera, other case
    asset("even", width=1080, height=1080, camera="Apple iPhone 15 Pro")
    asset("clip", video, width=1920, height=1080, duration=12.5, has_audio=True)
    asset("story", video, width=1080, height=1920, duration=95.0, has_audio=False)
    asset("film", video, width=3840, height=2160, duration=3600.0, has_audio=True)
    asset("gif", width=64, height=48, frame_count=3, duration=0.3)  # an animation
    asset("waiting")  # not processed yet: no size, no duration, no sound, no camera
    tags.set_tags(asset_id=Asset.objects.get(title="wide").pk, names=["beach"])
    tags.set_tags(asset_id=Asset.objects.get(title="story").pk, names=["beach"])


def titles(client: Client, params: dict[str, Any]) -> set[str]:
    response = client.get(API, {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["meta"]["total"] == len(body["items"])
    return {item["title"] for item in body["items"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"camera": "Canon EOS R5"}, {"wide", "tall"}),
        ({"camera": "CANON eos r5"}, {"wide", "tall"}),
        ({"camera": ["canon eos r5", "Apple iPhone 15 Pro"]}, {"wide", "tall", "even"}),
        ({"camera": "Canon"}, set()),  # the whole name, not a part of it
        ({"camera": "Nikon D750"}, set()),
        ({"min_width": "3000"}, {"wide", "tall", "film"}),
        ({"min_width": "0"}, {"wide", "tall", "even", "clip", "story", "film", "gif"}),
        ({"min_height": "1920"}, {"wide", "tall", "story", "film"}),
        ({"min_width": "3000", "min_height": "3001"}, {"tall"}),
        ({"min_duration": "12.5"}, {"clip", "story", "film"}),
        ({"max_duration": "95"}, {"gif", "clip", "story"}),
        ({"min_duration": "10", "max_duration": "100"}, {"clip", "story"}),
        ({"min_duration": "100", "max_duration": "10"}, set()),
        ({"max_duration": "1e300"}, {"gif", "clip", "story", "film"}),  # any finite number
        ({"orientation": "landscape"}, {"wide", "clip", "film", "gif"}),
        ({"orientation": "portrait"}, {"tall", "story"}),
        ({"orientation": "square"}, {"even"}),
        ({"has_audio": "true"}, {"clip", "film"}),
        ({"has_audio": "false"}, {"story"}),  # pictures have no sound track to lack
        ({"camera": "", "min_width": "", "orientation": "", "has_audio": ""}, None),  # no filter
    ],
)
def test_each_filter_finds_what_a_hand_count_says(
    client: Client, library: None, params: dict[str, Any], expected: set[str] | None
) -> None:
    everything = {a.title for a in Asset.objects.all()}
    assert titles(client, params) == (everything if expected is None else expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "video", "orientation": "landscape"}, {"clip", "film"}),
        ({"type": "image", "min_width": "1000"}, {"wide", "tall", "even"}),
        ({"camera": "canon eos r5", "orientation": "portrait"}, {"tall"}),
        ({"has_audio": "true", "min_width": "3000"}, {"film"}),
        ({"tag": "beach", "orientation": "portrait"}, {"story"}),
        ({"tag": "beach", "camera": "Canon EOS R5"}, {"wide"}),
        ({"q": "film", "min_duration": "60"}, {"film"}),
        ({"q": "clip", "min_duration": "60"}, set()),
        ({"status": "ready", "max_duration": "20"}, {"gif", "clip"}),
        ({"status": "pending", "min_width": "0"}, set()),
        ({"taken_after": "2000-01-01T00:00:00Z", "has_audio": "false"}, {"story"}),
    ],
)
def test_the_filters_combine_with_every_other(
    client: Client, library: None, params: dict[str, Any], expected: set[str]
) -> None:
    assert titles(client, params) == expected


def test_filters_keep_the_ordering_asked_for_and_page_by_cursor(
    client: Client, library: None
) -> None:
    by_size = client.get(API, {"orientation": "landscape", "ordering": "-file_size"}).json()
    # Sizes 4, 4, 4, 3 (the titles' lengths): equal sizes newest first, as the list breaks ties.
    assert [i["title"] for i in by_size["items"]] == ["film", "clip", "wide", "gif"]
    by_title = client.get(API, {"min_width": "1000", "ordering": "title"}).json()
    assert [i["title"] for i in by_title["items"]] == [
        "clip",
        "even",
        "film",
        "story",
        "tall",
        "wide",
    ]
    # A cursor walk under the filters, one at a time: every match once, in order.
    walked: list[str] = []
    cursor: str | None = None
    params: dict[str, Any] = {
        "min_width": "1000",
        "has_audio": "true",
        "ordering": "-title",
        "page_size": 1,
    }
    while True:
        page = client.get(API, {**params, **({"cursor": cursor} if cursor else {})}).json()
        walked += [i["title"] for i in page["items"]]
        cursor = page["meta"]["next_cursor"]
        if not cursor:
            break
    assert walked == ["film", "clip"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_width": "-1"}, "min_width: Ensure this value is greater than or equal to 0"),
        ({"min_width": "wide"}, "min_width: Enter a whole number"),
        ({"min_width": "1.5"}, "min_width: Enter a whole number"),
        ({"min_height": "99999999999"}, "min_height: Ensure this value is less than or equal to"),
        ({"min_duration": "-0.5"}, "min_duration: Ensure this value is greater than or equal"),
        ({"max_duration": "long"}, "max_duration: Enter a number"),
        ({"max_duration": "inf"}, "max_duration: Enter a number"),
        ({"min_duration": "nan"}, "min_duration: Enter a number"),
        ({"min_duration": "1e309"}, "min_duration: Enter a number"),  # past a float: infinite
        ({"orientation": "diagonal"}, "orientation: Select a valid choice"),
        ({"has_audio": "yes"}, "has_audio: Select a valid choice"),
        ({"camera": "Canon\x00"}, "camera: Null characters are not allowed"),
        ({"camera": [f"camera {i}" for i in range(101)]}, "At most 100 cameras at once"),
    ],
)
def test_bad_values_are_400_saying_what_is_wrong(
    client: Client, db: None, params: dict[str, Any], message: str
) -> None:
    for path in (API, f"{API}/facets"):
        body = assert_error(client.get(path, params), 400, message)
        if "At most" not in message:
            assert list(body["context"]["fields"]) == list(params)


def test_the_schema_lists_each_filter_on_the_list_and_the_facets(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/v1/schema").content)
    for path in ("/api/v1/assets/", "/api/v1/assets/facets/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert set(NAMES) <= set(parameters), path
        assert all(parameters[name].get("description") for name in NAMES), path
        assert parameters["camera"]["schema"]["type"] == "array"
        assert parameters["camera"]["schema"]["maxItems"] == 100  # more is a 400
        assert parameters["min_width"]["schema"] == {
            "type": "integer",
            "minimum": 0,
            "maximum": 2_147_483_647,
        }
        assert parameters["max_duration"]["schema"] == {"type": "number", "minimum": 0}
        assert parameters["orientation"]["schema"]["enum"] == ["landscape", "portrait", "square"]
        assert parameters["has_audio"]["schema"]["enum"] == ["false", "true"]


def test_a_bulk_action_takes_the_filters_in_its_filter_form(client: Client, library: None) -> None:
    def bulk(filter_: dict[str, Any]) -> Any:
        return client.post(
            f"{API}/bulk",
            {"filter": filter_, "action": "tag", "tags": ["picked"]},
            content_type="application/json",
        )

    found = bulk({"camera": ["CANON EOS R5"], "orientation": "portrait"})
    assert found.status_code == 200, found.content
    assert found.json() == {"matched": 1, "changed": 1}
    assert titles(client, {"tag": "picked"}) == {"tall"}
    # JSON's own booleans and numbers, as a client writes them.
    found = bulk({"has_audio": True, "min_duration": 60, "min_width": 3000})
    assert found.json() == {"matched": 1, "changed": 1}
    assert titles(client, {"tag": "picked"}) == {"tall", "film"}
    assert AuditEntry.objects.count() == 2
    assert_error(bulk({"orientation": "round"}), 400, "orientation")
    assert_error(bulk({"min_height": -3}), 400, "greater than or equal to 0")
    assert titles(client, {"tag": "picked"}) == {"tall", "film"}  # refused: nothing changed


def test_the_facets_count_under_the_filters_and_cameras_from_their_column(
    client: Client, library: None
) -> None:
    def facet(params: dict[str, Any], name: str) -> dict[Any, int]:
        body = client.get(f"{API}/facets", params).json()
        return {row["value"]: row["count"] for row in body[name]}

    assert facet({}, "camera") == {"Canon EOS R5": 1, "canon eos r5": 1, "Apple iPhone 15 Pro": 1}
    assert facet({"orientation": "portrait"}, "media_type") == {"image": 1, "video": 1}
    assert facet({"camera": "canon eos r5"}, "camera") == {"Canon EOS R5": 1, "canon eos r5": 1}
    assert facet({"has_audio": "true", "min_width": "3000"}, "media_type") == {"video": 1}
    body = client.get(f"{API}/facets", {"min_duration": "1", "type": "video"}).json()
    assert body["total"] == 3
    # The column is what counts: a camera only in the JSON is not one (the worker copies it).
    Asset.objects.filter(title="even").update(camera="")
    assert "Apple iPhone 15 Pro" not in facet({}, "camera")


# sqlite_stat1 as `refresh_statistics` (ANALYZE, sampled) wrote it for bench/api_load.py's
# 100,000 assets: the sample makes the height index look smaller than the table.
STATISTICS_AT_100K = {
    "asset_duration_idx": "75117 3 1",
    "asset_height_idx": "62130 1001 1",
    "asset_width_idx": "110802 1001 1001 1",
    "asset_audio_idx": "115700 1001 1 1",
    "asset_camera_idx": "121968 1001 1 1",
    "asset_captured_idx": "314615 1 1",
    "asset_mime_created_idx": "118503 1001 1 1",
    "asset_status_created_idx": "103952 1001 1 1",
    "asset_type_created_id_idx": "107100 1001 1 1",
    "asset_size_id_idx": "81726 1 1",
    "asset_title_id_idx": "91140 2 1",
    "asset_checksum_idx": "1100050 2",
    "asset_status_updated_idx": "93744 1001 1",
    "asset_created_idx": "108438 1 1",
    "sqlite_autoindex_assets_asset_1": "108928 1",
    "asset_camera_name_idx": "127890 1001",
}


@pytest.mark.parametrize(
    "params",
    [
        {"min_height": "2000"},
        {"min_width": "3000"},
        {"min_duration": "3000"},
        {"max_duration": "30"},
    ],
)
def test_a_range_pages_along_the_orderings_index_whatever_the_statistics(
    db: None, params: dict[str, str]
) -> None:
    """SQLite keeps no range statistics: with these it read min_height=2000 whole from the
    height index and sorted it (130 ms at 100,000 assets). The page walks the ordering's index;
    the count reads the column's narrow index, never the table."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps histograms and chooses by them")
    asset("one", width=4000, height=3000, duration=12.0)
    index.refresh_statistics(connection)
    with connection.cursor() as cursor:
        # An index added since: as large as the table (its row count, its own columns' figures).
        cursor.execute(
            "UPDATE sqlite_stat1 SET stat = '100000' || substr(stat, instr(stat, ' ')) "
            "WHERE tbl = 'assets_asset' AND instr(stat, ' ') > 0"
        )
        for name, stat in STATISTICS_AT_100K.items():
            cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = %s", [name])
            cursor.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('assets_asset', %s, %s)",
                [name, stat],
            )
        cursor.execute("ANALYZE sqlite_schema")  # reads the statistics again
    queryset = AssetFilter(params, queryset=Asset.objects.all()).qs
    plan = str(queryset.order_by("-created_at", "-id")[:21].explain())
    assert "TEMP B-TREE" not in plan and "asset_created_idx" in plan, plan
    count_plan = str(queryset.order_by().values("pk").explain())
    assert "COVERING INDEX" in count_plan, count_plan
