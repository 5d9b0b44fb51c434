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
        MAM_SECRET_KEY="s3cret-s3cret-s3cret-s3cret-s3cret-s3cret",
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


# Access (CONTRACT.md section 7)


def test_accounts_are_on_by_default_and_listen_everywhere(tmp_path: Path) -> None:
    settings = config(tmp_path)
    assert settings.AUTH_ENABLED is True
    assert settings.BIND_ADDRESS == "0.0.0.0"


def test_the_open_mode_listens_on_loopback_only(tmp_path: Path) -> None:
    settings = config(tmp_path, MAM_AUTH="off")
    assert settings.AUTH_ENABLED is False
    assert settings.BIND_ADDRESS == "127.0.0.1"


@pytest.mark.parametrize("bind", ["0.0.0.0", "192.0.2.7", "::"])
def test_the_open_mode_refuses_a_network_bind(tmp_path: Path, bind: str) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        config(tmp_path, MAM_AUTH="off", MAM_BIND=bind)


@pytest.mark.parametrize("value", ["false", "0", "OFF", "no"])
def test_mam_auth_takes_exactly_on_or_off(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="MAM_AUTH"):
        config(tmp_path, MAM_AUTH=value)


def test_the_secret_key_is_generated_once_private_and_reused(tmp_path: Path) -> None:
    settings = config(tmp_path)
    key = settings.secret_key()
    path = settings.DATA_DIR / "secret_key"
    assert len(key) >= 50
    assert path.stat().st_mode & 0o777 == 0o600
    assert config(tmp_path).secret_key() == key
    assert "change-me" not in key


def test_a_given_secret_key_wins_and_a_short_one_is_refused(tmp_path: Path) -> None:
    given = "x" * 40
    assert config(tmp_path, MAM_SECRET_KEY=given).secret_key() == given
    with pytest.raises(ConfigError, match="32 characters"):
        config(tmp_path, MAM_SECRET_KEY="short")


def test_the_default_hosts_are_loopback_and_this_machine(tmp_path: Path) -> None:
    import socket

    hosts = config(tmp_path).ALLOWED_HOSTS
    assert {"localhost", "127.0.0.1", "[::1]", socket.gethostname()} <= set(hosts)
    assert "*" not in hosts


def deploy_warnings(tmp_path: Path, **env: str) -> set[str]:
    import os
    import re
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env={**os.environ, "DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return set(re.findall(r"\(([a-z_]+\.[WE]\d+)\)", done.stdout + done.stderr))


def test_check_deploy_has_nothing_to_say_over_https(tmp_path: Path) -> None:
    assert deploy_warnings(tmp_path, MAM_PUBLIC_URL="https://mam.example.org") == set()


def test_check_deploy_over_plain_http_names_only_tls_settings(tmp_path: Path) -> None:
    assert deploy_warnings(tmp_path) == {
        "security.W004",  # HSTS
        "security.W008",  # redirect to https
        "security.W012",  # secure session cookie
        "security.W016",  # secure CSRF cookie
    }


@pytest.mark.parametrize("url", ["mam.example.org", "ftp://mam.example.org", "https://x/path"])
def test_a_malformed_public_url_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="MAM_PUBLIC_URL"):
        config(tmp_path, MAM_PUBLIC_URL=url)
