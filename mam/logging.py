"""Logging setup: app.log (application, every file operation), error.log, system.log; rotated."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"


def _rotating(path: Path, level: str) -> dict[str, Any]:
    return {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": str(path),
        "maxBytes": 10 * 1024 * 1024,
        "backupCount": 5,
        "encoding": "utf-8",
        # Opened at start, not at the first line: `tail -f logs/error.log` works on a fresh
        # install.
        "delay": False,
        "level": level,
        "formatter": "plain",
    }


class WithoutTraceback(logging.Filter):
    """A refused Host header is a client's mistake (or a probe), not MAM's: one line in the
    system log instead of a traceback in error.log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def logging_config(log_dir: Path, *, debug: bool) -> dict[str, Any]:
    """The dictConfig for every MAM process (web, workers, commands).

    `mam.system` carries startup, configuration, worker, connection and health events;
    everything else of ours goes to app.log; anything at ERROR, with its traceback, also
    to error.log.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": FORMAT}},
        "filters": {"without_traceback": {"()": WithoutTraceback}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "level": "DEBUG" if debug else "INFO",
            },
            "app": _rotating(log_dir / "app.log", "INFO"),
            "error": _rotating(log_dir / "error.log", "ERROR"),
            "system": _rotating(log_dir / "system.log", "INFO"),
        },
        "loggers": {
            "mam.system": {"handlers": ["system", "console"], "level": "INFO", "propagate": False},
            "mam": {"handlers": ["app", "error", "console"], "level": "INFO", "propagate": False},
            "django": {"handlers": ["app", "error", "console"], "level": "INFO"},
            "django.request": {"handlers": ["error"], "level": "ERROR", "propagate": False},
            "django.security.DisallowedHost": {
                "handlers": ["system"],
                "filters": ["without_traceback"],
                "level": "INFO",
                "propagate": False,
            },
            "celery": {"handlers": ["app", "error", "console"], "level": "INFO"},
            "daphne": {"handlers": ["app", "error", "console"], "level": "WARNING"},
        },
        "root": {"handlers": ["error"], "level": "WARNING"},
    }
