"""docker-compose.yml and the Dockerfile agree with the settings: ports, env names, commands."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mam import launcher
from mam.celery import MAINTENANCE_QUEUE, MEDIA_QUEUE
from mam.config import BASE_DIR, Config, MamConfig

COMPOSE = BASE_DIR / "docker-compose.yml"
DOCKERFILE = BASE_DIR / "Dockerfile"
MAM_SERVICES = ("web", "worker", "beat", "watcher")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text()))


class RecordingEnvironment(dict[str, str]):
    """An empty environment that remembers every name it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


def config_env_names() -> set[str]:
    """Every environment variable Config reads (Config is the only reader)."""
    environ = RecordingEnvironment()
    MamConfig.from_env(environ)
    return environ.asked


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def test_every_environment_name_is_one_config_reads(compose: dict[str, Any]) -> None:
    known = config_env_names()
    assert {"MEDIA_PATH", "DATA_DIR", "DATABASE_URL", "REDIS_URL", "PORT"} <= known
    for name in MAM_SERVICES:
        env = compose["services"][name]["environment"]
        assert set(env) <= known, f"{name}: unknown {set(env) - known}"
        assert env["MEDIA_PATH"] == "/media"
        assert env["DATA_DIR"] == "/data"
        assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_web_serves_daphne_on_the_contract_port(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    port = Config.PORT if Config.PORT == 5001 else 5001
    assert f"{port}:{port}" in web["ports"]
    assert web["environment"]["PORT"] == str(port)
    script = command_of(web)[-1]
    # The launcher's web-only mode: MAM_WEB_PROCESSES Daphne processes on the one port.
    assert shlex.split(script.split("exec ", 1)[1]) == [
        "python",
        "-m",
        "mam.launcher",
        launcher.WEB_ONLY_FLAG,
    ]
    assert web["environment"]["MAM_BIND"] == "0.0.0.0"
    assert "migrate" in script


def test_worker_runs_the_launchers_worker_command_and_scales(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker  # `--scale worker=N` needs generated names
    assert "ports" not in worker
    expected = launcher.worker_command(concurrency=2, beat=False)
    command = command_of(worker)
    assert command[:-1] == ["python", *expected[1:-1]]
    assert command[-1] == "${MAM_WORKER_CONCURRENCY:-2}"
    assert f"{MEDIA_QUEUE},{MAINTENANCE_QUEUE}" in command
    assert "--beat" not in command and "-B" not in command


def test_the_scheduler_runs_the_launchers_beat_command(compose: dict[str, Any]) -> None:
    beat = compose["services"]["beat"]
    assert command_of(beat) == ["python", *launcher.beat_command()[1:]]
    schedulers = [n for n, s in compose["services"].items() if "beat" in command_of(s)]
    assert schedulers == ["beat"]


def test_one_service_runs_the_launchers_watcher_with_mam_watch_on(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    watcher = services["watcher"]
    assert command_of(watcher) == ["python", *launcher.watcher_command()[1:]]
    assert watcher["environment"]["MAM_WATCH"] == "${MAM_WATCH:-on}"
    watchers = [n for n, s in services.items() if "watch_media" in command_of(s)]
    assert watchers == ["watcher"]
    for name in ("web", "worker", "beat"):  # the others never watch (off unless told)
        assert "MAM_WATCH" not in services[name]["environment"], name


def test_volumes_healthchecks_restart_policies_and_profiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"media", "data"} <= set(compose["volumes"])
    for name in MAM_SERVICES:
        assert "media:/media" in services[name]["volumes"]
        assert "data:/data" in services[name]["volumes"]
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
    for name in ("redis", "web", "worker", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    assert services["postgres"]["profiles"] == ["postgres"]
    assert "/api/v1/health/status" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"][-2:] == ["-m", "health.workers"]


def test_the_dockerfile_builds_the_image_the_compose_file_runs() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    assert "ffmpeg" in text
    assert "pip install --no-cache-dir -r requirements.txt -c constraints.txt" in text
    assert "EXPOSE 5001" in text
    assert "COPY --from=ui /ui/dist frontend/dist" in text


def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (CI installs it)")
    for args in ([], ["--profile", "postgres"]):
        result = subprocess.run(
            [binary, "-f", str(COMPOSE), *args, "config", "-q"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
