"""The /ws protocol in one place (CONTRACT.md section 4): intervals, limits, close codes, and
the messages a client receives, built and encoded here and nowhere else."""

from __future__ import annotations

import json
from typing import Any

HEARTBEAT_INTERVAL = 25  # seconds between the client's pings
MAX_FRAME_BYTES = 64 * 1024  # a client frame larger than this closes the connection

CLOSE_IDLE = 1000
# 1009 is the protocol's "message too big", which Daphne (autobahn) keeps for itself: it drops
# messages over its own limit (1 MiB); the application's refusal is 4000 + 1009.
CLOSE_TOO_BIG = 4009
CLOSE_UNAVAILABLE = 4011  # 4000 + 1011 "try again later", for the same reason

GROUP = "processing"  # the channel-layer group every server process's fan-out joins
LAYER_MESSAGE_TYPE = "processing.update"  # the channel-layer message carrying one update

PROCESSING_UPDATE = "processing_update"


def update_message(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    """A processing_update as the client receives it."""
    return {"type": PROCESSING_UPDATE, "seq": seq, "data": data}


def connection_message(*, last_seq: int, idle_timeout: float) -> dict[str, Any]:
    return {
        "type": "connection",
        "data": {
            "status": "connected",
            "last_seq": last_seq,
            "heartbeat_interval": HEARTBEAT_INTERVAL,
            "idle_timeout": idle_timeout,
        },
    }


def snapshot_message(seq: int, assets: list[dict[str, Any]]) -> dict[str, Any]:
    """Every unfinished asset, in place of updates that are no longer retained."""
    return {"type": "snapshot", "seq": seq, "data": {"assets": assets}}


def error_message(text: str) -> dict[str, Any]:
    return {"type": "error", "data": {"error": text}}


PONG: dict[str, Any] = {"type": "pong"}


def encode(message: dict[str, Any]) -> str:
    """The wire text of a message (compact JSON)."""
    return json.dumps(message, separators=(",", ":"))
