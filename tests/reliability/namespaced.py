"""`python -m mam.launcher` inside a mount namespace of its own, so a test can make the
system's storage fail (read-only, full) for that system alone.

The tests run as root, for whom file modes do not bite; a read-only mount or a full tmpfs
does. The namespace is private: nothing mounted in it is seen outside, and it disappears with
the system's last process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mam.config import BASE_DIR
from mam.launcher import stop_all
from tests.bootstrap import free_port
from tests.support.launcher import Launched, wait
from tests.support.live import private_database_env

PRIVATE_MOUNTS = ["unshare", "--mount", "--propagation", "private", "--"]


def mount_namespaces_unavailable() -> str | None:
    """Why this machine cannot give a process a mount namespace with a tmpfs, or None."""
    for tool in ("unshare", "nsenter", "mount"):
        if shutil.which(tool) is None:
            return f"needs {tool} (util-linux)"
    with tempfile.TemporaryDirectory() as probe:
        result = subprocess.run(
            [*PRIVATE_MOUNTS, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    if result.returncode != 0:
        return f"cannot mount in a private mount namespace here: {result.stderr.strip()[:200]}"
    return None


@contextlib.contextmanager
def launch_in_mount_namespace(
    root: Path, redis_port: int, *, setup: str, **env: str
) -> Iterator[Launched]:
    """The launcher (as tests.support.launcher.launch starts it) after the shell commands
    `setup` have run in its new mount namespace; its pid is the namespace's anchor for
    `in_namespace`."""
    port = free_port()
    environment = {
        **os.environ,
        "MEDIA_PATH": str(root / "media"),
        "DATA_DIR": str(root / "data"),
        "MAM_LOG_DIR": str(root / "logs"),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PORT": str(port),
        "MAM_WORKER_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    (root / "media").mkdir(parents=True, exist_ok=True)
    (root / "data" / "thumbnails").mkdir(parents=True, exist_ok=True)
    with private_database_env(environment, "namespaced") as environment:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            timeout=120,
        )
        # unshare and sh both exec: the process started here is the launcher itself.
        then_launch = [
            "sh",
            "-c",
            f'{setup} && exec "$@"',
            "sh",
            sys.executable,
            "-m",
            "mam.launcher",
        ]
        process = subprocess.Popen(
            [*PRIVATE_MOUNTS, *then_launch],
            cwd=BASE_DIR,
            env=environment,
            stdout=(root / "launcher.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        system = Launched(process, port, root)
        try:
            wait(lambda: system.serves() and system.child("worker") and system.child("beat"))
            yield system
        finally:
            signed_in = getattr(system, "_client", None)  # Launched's, once it signs in
            if signed_in is not None:
                signed_in.close()
            stop_all([process])


def in_namespace(system: Launched, command: str) -> subprocess.CompletedProcess[str]:
    """Runs the shell command in the system's mount namespace (its mounts, not ours)."""
    return subprocess.run(
        ["nsenter", "--target", str(system.process.pid), "--mount", "--", "sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
