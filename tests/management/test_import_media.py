"""`manage.py import_media`: registers a tree of media in bulk, safely and repeatably."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assets.ingest import bulk_import
from assets.models import Asset, AssetStatus
from tests.media import make_gif, make_jpeg, make_png

pytestmark = pytest.mark.django_db

JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG_HEAD = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56


def write(path: Path, content: bytes = JPEG_HEAD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def run_import(*args: str) -> tuple[str, str, int]:
    """Runs the command in-process; returns stdout, stderr and the exit status it asks for."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_media", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


@pytest.fixture(autouse=True)
def delay(task_delay: mock.MagicMock, quiet_events: mock.MagicMock) -> mock.MagicMock:
    """No task reaches a broker; tests that check enqueueing run the on-commit callbacks."""
    return task_delay


def paths() -> set[str]:
    return set(Asset.objects.values_list("file_path", flat=True))


def test_a_nested_tree_with_unicode_and_spaces_is_registered_with_relative_paths(
    media_root: Path,
) -> None:
    make_jpeg(media_root / "2024" / "été à Nice" / "plage 01.jpg")
    make_png(media_root / "2024" / "été à Nice" / "deep" / "er" / "still" / "map.PNG")
    make_gif(media_root / "gifs" / "日本語 アニメ.gif")
    write(media_root / "top.jpeg")

    out, _, code = run_import()

    assert code == 0
    assert "added 4, skipped 0, ignored 0, rejected 0" in out
    assert paths() == {
        "2024/été à Nice/plage 01.jpg",
        "2024/été à Nice/deep/er/still/map.PNG",
        "gifs/日本語 アニメ.gif",
        "top.jpeg",
    }
    plage = Asset.objects.get(file_path="2024/été à Nice/plage 01.jpg")
    assert plage.title == "plage 01"
    assert plage.media_type == "image"
    assert plage.mime_type == "image/jpeg"
    assert plage.file_size == (media_root / plage.file_path).stat().st_size
    assert plage.status == AssetStatus.PENDING


def test_files_of_other_types_are_ignored_and_counted(media_root: Path) -> None:
    write(media_root / "a.jpg")
    (media_root / "notes.txt").write_text("hello")
    (media_root / "raw").mkdir()
    (media_root / "raw" / "IMG_0001.CR2").write_bytes(b"II*\x00")
    (media_root / "noext").write_bytes(b"x")

    out, _, code = run_import()

    assert code == 0
    assert "added 1, skipped 0, ignored 3, rejected 0" in out
    assert paths() == {"a.jpg"}


def test_supported_files_with_bad_content_are_listed_with_the_reason_and_exit_1(
    media_root: Path,
) -> None:
    write(media_root / "good.jpg")
    write(media_root / "fake.jpg", b"this is text, not a jpeg")
    write(media_root / "sub" / "swapped.png", JPEG_HEAD)
    write(media_root / "empty.mp4", b"")

    out, err, code = run_import()

    assert code == 1
    assert "added 1, skipped 0, ignored 0, rejected 3" in out
    assert "rejected: fake.jpg: File content does not match its .jpg extension" in out
    assert "rejected: sub/swapped.png: File content does not match its .png extension" in out
    assert "rejected: empty.mp4:" in out
    assert "3 supported file(s) rejected" in err
    assert paths() == {"good.jpg"}
    assert str(media_root) not in out


@pytest.mark.parametrize(
    "raw",
    ["../elsewhere", "/etc", "sub/../../x", "~/media"],
    ids=["dotdot", "absolute-outside", "nested-dotdot", "home"],
)
def test_a_path_outside_the_media_folder_is_refused_with_exit_2(media_root: Path, raw: str) -> None:
    write(media_root / "sub" / "a.jpg")

    _, err, code = run_import(raw)

    assert code == 2
    assert "outside the media folder" in err
    assert Asset.objects.count() == 0


def test_a_symlinked_folder_leading_outside_is_refused_as_a_path(
    media_root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    write(outside / "secret.jpg")
    (media_root / "link").symlink_to(outside, target_is_directory=True)

    _, err, code = run_import("link")

    assert code == 2
    assert "outside the media folder" in err


def test_the_walk_never_follows_directory_symlinks_and_rejects_file_links_leaving_the_base(
    media_root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    write(outside / "secret.jpg")
    write(media_root / "real" / "a.jpg")
    (media_root / "dirlink").symlink_to(outside, target_is_directory=True)
    (media_root / "loop").symlink_to(media_root, target_is_directory=True)
    (media_root / "escape.jpg").symlink_to(outside / "secret.jpg")

    out, _, code = run_import()

    assert code == 1
    assert paths() == {"real/a.jpg"}
    assert "rejected: escape.jpg: file_path leads outside the media folder" in out


def test_an_absolute_path_inside_the_media_folder_and_a_single_file_are_accepted(
    media_root: Path,
) -> None:
    write(media_root / "one" / "a.jpg")
    write(media_root / "two" / "b.jpg")
    write(media_root / "three" / "c.jpg")

    _, _, code = run_import(str(media_root / "one"), "two/b.jpg")

    assert code == 0
    assert paths() == {"one/a.jpg", "two/b.jpg"}


def test_a_missing_path_is_a_usage_error(media_root: Path) -> None:
    _, err, code = run_import("nope")
    assert code == 2
    assert "no such file or directory" in err


def test_rerunning_adds_nothing(
    media_root: Path, delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    for i in range(5):
        write(media_root / "batch" / f"{i}.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        run_import()
    before = sorted(Asset.objects.values_list("id", "file_path"))
    assert delay.call_count == 5
    delay.reset_mock()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        out, _, code = run_import()

    assert code == 0
    assert "added 0, skipped 5, ignored 0, rejected 0" in out
    assert sorted(Asset.objects.values_list("id", "file_path")) == before
    assert callbacks == []
    delay.assert_not_called()


def test_files_registered_through_the_api_are_skipped(media_root: Path) -> None:
    from assets import services

    write(media_root / "a.jpg")
    write(media_root / "b.jpg")
    services.register_asset(file_path="a.jpg")

    out, _, _ = run_import()

    assert "added 1, skipped 1" in out
    assert Asset.objects.count() == 2


def test_a_dry_run_reports_but_adds_nothing(
    media_root: Path, delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    write(media_root / "a.jpg")
    write(media_root / "b.png", PNG_HEAD)
    write(media_root / "bad.gif", b"nope")

    with django_capture_on_commit_callbacks(execute=True):
        out, _, code = run_import("--dry-run")

    assert code == 1
    assert "dry run: would add 2, skipped 0, ignored 0, rejected 1" in out
    assert Asset.objects.count() == 0
    delay.assert_not_called()


def test_excluded_files_and_folders_are_left_out(media_root: Path) -> None:
    write(media_root / "keep" / "a.jpg")
    write(media_root / "keep" / "b.png", PNG_HEAD)
    write(media_root / "cache" / "c.jpg")
    write(media_root / "keep" / ".thumbs" / "d.jpg")

    out, _, code = run_import("--exclude", "*.png", "--exclude", "cache", "--exclude", ".*")

    assert code == 0
    assert paths() == {"keep/a.jpg"}
    assert "excluded 1" in out  # the .png; excluded folders are not walked at all


def test_processing_is_enqueued_after_commit_unless_no_process(
    media_root: Path, delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    write(media_root / "a.jpg")
    write(media_root / "b.jpg")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_import()
    delay.assert_not_called()  # nothing is sent before the batch commits
    for callback in callbacks:
        callback()
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(
        Asset.objects.values_list("id", flat=True)
    )

    delay.reset_mock()
    write(media_root / "c.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        run_import("--no-process")
    delay.assert_not_called()
    assert Asset.objects.get(file_path="c.jpg").status == AssetStatus.PENDING


def test_no_process_assets_wait_for_reprocess_not_for_the_reconciler(
    media_root: Path, delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from assets.jobs import worker
    from assets.jobs.tasks import enqueue_processing

    write(media_root / "later.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        run_import("--no-process")
    asset = Asset.objects.get(file_path="later.jpg")
    assert (asset.status, asset.processing_stage) == (AssetStatus.PENDING, "not_queued")
    Asset.objects.filter(pk=asset.pk).update(updated_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert worker.reconcile_stuck_assets(older_than_seconds=60, requeue=enqueue_processing) == (
            0,
            0,
        )
    delay.assert_not_called()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reprocess", "--all", stdout=out, stderr=io.StringIO())
    delay.assert_called_once_with(asset.pk)
    assert Asset.objects.get(pk=asset.pk).processing_stage == "queued"


def test_large_trees_are_registered_in_batches(
    media_root: Path, monkeypatch: pytest.MonkeyPatch, delay: mock.MagicMock
) -> None:
    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 7)
    for i in range(40):
        write(media_root / f"d{i % 3}" / f"{i:03}.jpg")
    write(media_root / "d0" / "bad.jpg", b"x")

    with mock.patch(
        "assets.services.Asset.objects.bulk_create", wraps=Asset.objects.bulk_create
    ) as bulk:
        out, _, code = run_import("--no-process")

    assert code == 1
    assert "added 40, skipped 0, ignored 0, rejected 1" in out
    assert Asset.objects.count() == 40
    assert 6 <= bulk.call_count <= 7
    assert all(len(c.args[0]) <= 7 for c in bulk.call_args_list)


def test_each_batch_shows_its_assets_with_one_serializer_not_one_per_file(
    media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The asset_created events carry each asset as the API shows it. A serializer per asset
    rebuilt its fields from the model each time: 70% of a large import's time."""
    from assets.api.serializers import AssetSerializer

    monkeypatch.setattr(bulk_import, "BATCH_SIZE", 10)
    for i in range(40):
        write(media_root / f"{i:03}.jpg")
    with mock.patch.object(
        AssetSerializer, "get_fields", autospec=True, side_effect=AssetSerializer.get_fields
    ) as built:
        out, _, code = run_import("--no-process")
    assert code == 0 and "added 40" in out
    assert built.call_count == 4  # once per batch of 10


def test_plain_progress_lines_when_not_a_terminal(
    media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assets.management import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_SECONDS", 0.0)
    for i in range(3):
        write(media_root / f"{i}.jpg")

    _, err, _ = run_import()

    assert "import: 1/3 files (33%)" in err
    assert "files/s" in err
    assert "\r" not in err
