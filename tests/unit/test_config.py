"""Config: the one reader of the environment, refusing configurations that cannot work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mam.config import BASE_DIR


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**os.environ, "DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_thumbnail_dir_outside_data_dir_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    done = run_check(tmp_path, MAM_THUMBNAIL_DIR=str(tmp_path / "elsewhere"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "THUMBNAIL_DIR" in lines[0] and "must lie under DATA_DIR" in lines[0]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "http", "PORT must be a whole number"),
        ("MAM_TASK_TIME_LIMIT", "10", "larger than MAM_TASK_SOFT_TIME_LIMIT"),
        ("MAM_VISIBILITY_TIMEOUT", "100", "longer than MAM_TASK_TIME_LIMIT"),
    ],
)
def test_unworkable_settings_are_refused(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    done = run_check(tmp_path, **{name: value})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("mam: refusing to start: ")
    assert message in lines[0]


def test_a_valid_configuration_starts(tmp_path: Path) -> None:
    done = run_check(tmp_path, MAM_THUMBNAIL_DIR=str(tmp_path / "data" / "thumbs"))
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({}, "False"),
        ({"FLASK_DEBUG": "1"}, "True"),
        ({"FLASK_ENV": "development"}, "True"),
        ({"MAM_DEBUG": "1"}, "True"),
        ({"FLASK_ENV": "production"}, "False"),
    ],
)
def test_debug_follows_the_original_variables(
    tmp_path: Path, env: dict[str, str], debug: str
) -> None:
    base = {
        k: v for k, v in os.environ.items() if k not in {"FLASK_DEBUG", "FLASK_ENV", "MAM_DEBUG"}
    }
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=BASE_DIR,
        env={**base, "DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == debug
