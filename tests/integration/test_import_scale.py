"""`manage.py import_media` on a generated tree of 100,000 files, as a shell runs it: every file
registered once, in batches, with the command's memory the same as for a tree a tenth the size.

The files are hard links to a few small JPEGs (the import reads 64 bytes of each, never decodes),
so the tree is made in seconds; no worker runs (`--no-process`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from mam.config import BASE_DIR
from tests.support.live import private_database_env

pytestmark = pytest.mark.integration

FILES = 100_000
PER_FOLDER = 500
FIRST_SHOOT = 10_000  # the first tenth, in a folder of its own: the small import
JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\x00" * 60
LINKS_PER_FILE = 50_000  # ext4 allows 65,000 names for one file


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("import-scale")
    media = root / "media"
    for i in range(FILES):
        if i % LINKS_PER_FILE == 0:
            original = root / f"original-{i}.jpg"
            original.write_bytes(JPEG_HEAD)
        shoot = "first" if i < FIRST_SHOOT else "rest"
        folder = media / shoot / f"roll {i // PER_FOLDER:03}"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True)
            (folder / "notes.txt").write_text("not media: ignored")
        os.link(original, folder / f"IMG_{i:06}.jpg")
    env = {
        **os.environ,
        "MEDIA_PATH": str(media),
        "DATA_DIR": str(root / "data"),
        "MAM_LOG_DIR": str(root / "logs"),
    }
    with private_database_env(env, "importscale") as private:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=BASE_DIR,
            env=private,
            check=True,
            timeout=300,
        )
        yield private


def run_measured(env: dict[str, str], *args: str) -> tuple[int, str, int]:
    """Runs a manage.py command; its exit status, output and peak resident memory (bytes)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output, usage.ru_maxrss * 1024


def count_assets(env: dict[str, str]) -> int:
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from assets.models import Asset; print(Asset.objects.count())",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


# About 40 s on an idle 2-core machine; the suite's default timeout is for one request's worth.
@pytest.mark.timeout(900)
def test_a_hundred_thousand_files_are_registered_once_with_flat_memory(
    tree: dict[str, str],
) -> None:
    small_status, small, small_peak = run_measured(tree, "import_media", "--no-process", "first")
    assert small_status == 0, small
    assert f"added {FIRST_SHOOT}, skipped 0, ignored {FIRST_SHOOT // PER_FOLDER}" in small

    status, output, peak = run_measured(tree, "import_media", "--no-process")
    assert status == 0, output
    rest = FILES - FIRST_SHOOT
    assert (
        f"added {rest}, skipped {FIRST_SHOOT}, ignored {FILES // PER_FOLDER}, rejected 0" in output
    )
    assert count_assets(tree) == FILES

    # Ten times the files, the same memory: batches of bulk_import.BATCH_SIZE, nothing kept
    # per file. Holding the rows (~1 KB each) would add about 100 MB.
    assert peak < small_peak * 1.25 + 16 * 2**20, (small_peak, peak)
