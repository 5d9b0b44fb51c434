"""The commands as a shell runs them: real processes, exit statuses, one line per refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mam.config import BASE_DIR
from tests.support.live import private_database_env

pytestmark = pytest.mark.integration

JPEG_HEAD = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def write(path: Path, content: bytes = JPEG_HEAD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.fixture(scope="module")
def command_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("import-cli")
    base_env = {
        **os.environ,
        "MEDIA_PATH": str(root / "media"),
        "DATA_DIR": str(root / "data"),
        "MAM_LOG_DIR": str(root / "logs"),
    }
    (root / "media").mkdir()
    with private_database_env(base_env, "importcli") as env:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=120,
        )
        yield env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "import_media", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_exits_0_1_and_2_as_documented(command_env: dict[str, str]) -> None:
    media = Path(command_env["MEDIA_PATH"])
    write(media / "ok" / "a b.jpg")

    first = manage(command_env, "--no-process")
    assert first.returncode == 0, first.stderr
    assert "added 1, skipped 0, ignored 0, rejected 0" in first.stdout

    again = manage(command_env, "--no-process")
    assert again.returncode == 0
    assert "added 0, skipped 1" in again.stdout

    write(media / "bad" / "x.png", b"not a png")
    rejected = manage(command_env, "--no-process", "bad")
    assert rejected.returncode == 1
    assert "rejected: bad/x.png:" in rejected.stdout

    outside = manage(command_env, "/")
    assert outside.returncode == 2
    assert "outside the media folder" in outside.stderr


def test_an_unworkable_setting_stops_every_command_with_one_line_and_status_2(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**os.environ, "DATA_DIR": str(tmp_path / "data"), "MAM_TASK_TIME_LIMIT": "10"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "mam: refusing to start: MAM_TASK_TIME_LIMIT must be larger than MAM_TASK_SOFT_TIME_LIMIT"
    ]
