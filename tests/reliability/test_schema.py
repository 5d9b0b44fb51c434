"""Schemathesis against the project's own OpenAPI schema, as an outside client runs it: its
command line, a real server, every operation, valid and invalid requests, every check."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mam.config import BASE_DIR
from tests.support.live import LiveSystem, start_live_system

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = 30
SEED = 14  # a fixed seed and deterministic generation: a failure here is reproducible


@pytest.fixture(scope="module")
def schema_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSystem]:
    """A system of its own: the generated requests register, rename and delete at will. With
    a worker, so health answers 200 (a 503 there is a finding, not a crash)."""
    system = start_live_system(tmp_path_factory.mktemp("schema"), workers=1)
    yield system
    system.stop()


def test_every_operation_keeps_the_promises_of_the_schema(
    schema_system: LiveSystem, tmp_path: Path
) -> None:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(CONFIG),
            "run",
            f"{schema_system.base_url}/api/v1/schema?format=json",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--generation-deterministic",
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
            "--header",
            f"Authorization: {schema_system.headers['Authorization']}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={
            **os.environ,
            "PYTHONPATH": str(BASE_DIR),
            "SCHEMATHESIS_HOOKS": "tests.reliability.schemathesis_hooks",
        },
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
