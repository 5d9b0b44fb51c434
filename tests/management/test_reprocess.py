"""`manage.py reprocess`: failed, all or chosen assets go back to the queue, with a summary."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assets.models import Asset, AssetStatus, ProcessingStage
from tests.factories import asset_for_file
from tests.media import make_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def delay(task_delay: mock.MagicMock, quiet_events: mock.MagicMock) -> mock.MagicMock:
    return task_delay


def make_asset(media_root: Path, name: str, status: str, **fields: Any) -> Asset:
    path = make_jpeg(media_root / name, size=(32, 32))
    return asset_for_file(path, name, title=name, status=status, **fields)


def reprocess(*args: str, callbacks: Any) -> tuple[str, int]:
    out, code = io.StringIO(), 0
    with callbacks(execute=True):
        try:
            call_command("reprocess", *args, stdout=out, stderr=io.StringIO())
        except CommandError as exc:
            code = exc.returncode
            out.write(str(exc))
    return out.getvalue(), code


@pytest.fixture
def library(media_root: Path) -> dict[str, Asset]:
    return {
        "ready": make_asset(media_root, "ready.jpg", AssetStatus.READY),
        "failed1": make_asset(
            media_root,
            "failed1.jpg",
            AssetStatus.FAILED,
            processing_error="File content does not match",
            processing_attempts=3,
            processing_stage=ProcessingStage.METADATA,
        ),
        "failed2": make_asset(media_root, "failed2.jpg", AssetStatus.FAILED),
    }


def test_failed_assets_are_reset_and_enqueued(
    library: dict[str, Asset], delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    out, code = reprocess("--failed", callbacks=django_capture_on_commit_callbacks)

    assert code == 0
    assert "reprocess: queued 2, not found 0" in out
    failed1 = Asset.objects.get(pk=library["failed1"].pk)
    assert failed1.status == AssetStatus.PENDING
    assert failed1.processing_error == ""
    assert failed1.processing_attempts == 0
    assert failed1.processing_stage == ProcessingStage.QUEUED
    assert Asset.objects.get(pk=library["ready"].pk).status == AssetStatus.READY
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(
        [library["failed1"].pk, library["failed2"].pk]
    )


def test_all_reprocesses_every_asset(
    library: dict[str, Asset], delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    out, code = reprocess("--all", callbacks=django_capture_on_commit_callbacks)

    assert code == 0
    assert "queued 3" in out
    assert delay.call_count == 3
    assert set(Asset.objects.values_list("status", flat=True)) == {AssetStatus.PENDING}


def test_chosen_ids_are_reprocessed_and_unknown_ones_reported(
    library: dict[str, Asset], delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    ready = library["ready"].pk
    out, code = reprocess(str(ready), "99999", callbacks=django_capture_on_commit_callbacks)

    assert code == 1
    assert "not found: asset 99999" in out
    assert "queued 1, not found 1" in out
    assert [c.args[0] for c in delay.call_args_list] == [ready]


@pytest.mark.parametrize("args", [(), ("--failed", "--all"), ("--failed", "3")])
def test_exactly_one_selection_is_required(
    args: tuple[str, ...], django_capture_on_commit_callbacks: Any
) -> None:
    out, code = reprocess(*args, callbacks=django_capture_on_commit_callbacks)
    assert code == 2
    assert "exactly one of" in out


def test_nothing_failed_means_nothing_queued(
    media_root: Path, delay: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    make_asset(media_root, "ok.jpg", AssetStatus.READY)
    out, code = reprocess("--failed", callbacks=django_capture_on_commit_callbacks)
    assert code == 0
    assert "queued 0" in out
    delay.assert_not_called()


def test_missing_renditions_queues_only_ready_assets_lacking_one(
    media_root: Path,
    thumbnail_dir: Path,
    delay: mock.MagicMock,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from assets.jobs.renditions import current_thumbnail_suffix

    def ready(name: str, metadata: dict[str, Any], **fields: Any) -> Asset:
        fields.setdefault("perceptual_hash", 5)
        return make_asset(media_root, name, AssetStatus.READY, media_metadata=metadata, **fields)

    current = f"{'a' * 64}{current_thumbnail_suffix()}"
    (thumbnail_dir / current).write_bytes(b"jpeg")
    whole = {"thumbnail_url": f"/thumbnails/{current}", "blurhash": "LKO2?U%2Tw=w"}
    complete = ready("complete.jpg", whole)
    lacking = {
        "failed_preview": ready("p.jpg", {**whole, "renditions_missing": {"preview": "disk full"}}),
        "old_render": ready("o.jpg", {**whole, "thumbnail_url": f"/thumbnails/{'a' * 64}-320.jpg"}),
        "no_blurhash": ready("b.jpg", {"thumbnail_url": whole["thumbnail_url"]}),
        "no_hash": ready("h.jpg", whole, perceptual_hash=None),
        "lost_file": ready(
            "l.jpg",
            {**whole, "thumbnail_url": f"/thumbnails/{'b' * 64}{current_thumbnail_suffix()}"},
        ),
    }
    make_asset(media_root, "failed.jpg", AssetStatus.FAILED)  # --failed's business, not this

    out, code = reprocess("--missing-renditions", callbacks=django_capture_on_commit_callbacks)

    assert code == 0 and "reprocess: queued 5, not found 0" in out
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted(a.pk for a in lacking.values())
    assert Asset.objects.get(pk=complete.pk).status == AssetStatus.READY
