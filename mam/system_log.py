"""What goes to logs/system.log: startup with the configuration summary, lifecycle events."""

from __future__ import annotations

import json
import logging

from mam.config import Config

logger = logging.getLogger("mam.system")


def log_startup(process: str) -> None:
    logger.info("startup %s config=%s", process, json.dumps(Config.summary(), sort_keys=True))


def log_event(event: str, **details: object) -> None:
    logger.info("%s %s", event, json.dumps(details, sort_keys=True, default=str))
