"""Config: the one reader of the environment, refusing configurations that cannot work.

Configurations are built from mappings here; the one exit path (a line on stderr, status 2)
is tested once, as a real process, in tests/integration/test_commands.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mam.config import BASE_DIR, ConfigError, MamConfig, load


def config(tmp_path: Path, **env: str) -> MamConfig:
    return MamConfig.from_env({"DATA_DIR": str(tmp_path / "data"), **env})


def test_defaults_are_the_contracts(tmp_path: Path) -> None:
    built = MamConfig.from_env({})
    assert built.PORT == 5001
    assert built.MEDIA_BASE_PATH == BASE_DIR / "media"
    assert built.DATA_DIR == BASE_DIR / "data"
    assert built.THUMBNAIL_DIR == BASE_DIR / "data" / "thumbnails"
    assert built.REDIS_URL == "redis://127.0.0.1:6379/0"
    assert not built.REDIS_URL_FROM_ENV
    assert built.DATABASE_URL == ""
    assert built.DEBUG is False
    assert built.WS_IDLE_TIMEOUT == 60
    assert built.WORKER_MAX_MEMORY_PER_CHILD == 512 * 2**20


def test_relative_paths_are_made_absolute_from_the_project(tmp_path: Path) -> None:
    built = MamConfig.from_env({"MEDIA_PATH": "library/../media2", "DATA_DIR": str(tmp_path)})
    assert built.MEDIA_BASE_PATH == BASE_DIR / "media2"
    assert tmp_path / "thumbnails" == built.THUMBNAIL_DIR
    assert built.incoming_dir == BASE_DIR / "media2" / "uploads" / ".incoming"


def test_values_are_read_when_built_not_when_imported(tmp_path: Path) -> None:
    first = config(tmp_path, PORT="6001", MAM_CORS_ORIGINS="http://a.example/, http://b.example")
    second = config(tmp_path, PORT="6002", REDIS_URL="redis://cache.example:6380/3")
    assert (first.PORT, second.PORT) == (6001, 6002)
    assert first.CORS_ORIGINS == ["http://a.example", "http://b.example"]
    assert second.REDIS_URL_FROM_ENV
    assert second.redis_host_port() == ("cache.example", 6380)


def test_thumbnail_dir_outside_data_dir_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        config(tmp_path, MAM_THUMBNAIL_DIR=str(tmp_path / "elsewhere"))
    message = str(refused.value)
    assert "\n" not in message
    assert "THUMBNAIL_DIR" in message and "must lie under DATA_DIR" in message


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "http", "PORT must be a whole number, got 'http'"),
        ("MAM_MAX_ATTEMPTS", "3.5", "MAM_MAX_ATTEMPTS must be a whole number"),
        ("MAM_TASK_TIME_LIMIT", "10", "larger than MAM_TASK_SOFT_TIME_LIMIT"),
        ("MAM_VISIBILITY_TIMEOUT", "100", "longer than MAM_TASK_TIME_LIMIT"),
        ("MAM_STUCK_AFTER_SECONDS", "300", "MAM_STUCK_AFTER_SECONDS must be longer than"),
        ("MAM_LEASE_SECONDS", "2", "MAM_LEASE_SECONDS must be at least 3"),
        ("MAM_WORKER_CONCURRENCY", "0", "MAM_WORKER_CONCURRENCY must be at least 1"),
        ("MAM_WS_IDLE_TIMEOUT", "-5", "MAM_WS_IDLE_TIMEOUT must be at least 1"),
        ("MAM_WORKER_MAX_MEMORY_PER_CHILD", "0", "MAM_WORKER_MAX_MEMORY_PER_CHILD must be at"),
    ],
)
def test_unworkable_settings_are_refused(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        config(tmp_path, **{name: value})


def test_a_valid_configuration_with_its_own_thumbnail_dir_builds(tmp_path: Path) -> None:
    built = config(tmp_path, MAM_THUMBNAIL_DIR=str(tmp_path / "data" / "thumbs"))
    assert tmp_path / "data" / "thumbs" == built.THUMBNAIL_DIR


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({}, False),
        ({"FLASK_DEBUG": "1"}, True),
        ({"FLASK_DEBUG": "true"}, True),
        ({"FLASK_ENV": "development"}, True),
        ({"MAM_DEBUG": "1"}, True),
        ({"FLASK_ENV": "production"}, False),
        ({"FLASK_DEBUG": "0"}, False),
    ],
)
def test_debug_follows_the_original_variables(
    tmp_path: Path, env: dict[str, str], debug: bool
) -> None:
    assert config(tmp_path, **env).DEBUG is debug


def test_load_refuses_to_start_with_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        load({"DATA_DIR": str(tmp_path), "PORT": "http"})
    assert stopped.value.code == 2
    assert capsys.readouterr().err == (
        "mam: refusing to start: PORT must be a whole number, got 'http'\n"
    )


def test_the_summary_for_the_system_log_holds_no_secrets(tmp_path: Path) -> None:
    summary = config(
        tmp_path,
        MAM_SECRET_KEY="s3cret",
        DATABASE_URL="postgres://mam:hunter2@db.example:5432/mam",
    ).summary()
    text = repr(summary)
    assert "s3cret" not in text and "hunter2" not in text
    assert summary["database"] == "postgres://db.example:5432/mam"


def test_a_worker_process_that_grew_past_the_limit_is_replaced() -> None:
    from mam.celery import app
    from mam.config import Config

    # Celery counts in KiB and checks after each task.
    assert app.conf.worker_max_memory_per_child == Config.WORKER_MAX_MEMORY_PER_CHILD // 1024
    assert Config.WORKER_MAX_MEMORY_PER_CHILD < Config.DECODER_MEMORY_BYTES
