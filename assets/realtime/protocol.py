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
# Credentials revoked while connected (a token revoked, a user deactivated, signed out):
# 4000 + HTTP's 401.
CLOSE_UNAUTHORIZED = 4401
# How often an open socket's credentials are checked again.
AUTH_RECHECK_SECONDS = 30
CLOSE_UNAVAILABLE = 4011  # 4000 + 1011 "try again later", for the same reason

# The scope key under which mam.server gives a /ws connection its socket's direct send (a
# `(text) -> None` that writes the frame before returning); absent under other servers, such
# as Channels' test communicator.
SEND_TEXT = "mam.send_text"

GROUP = "processing"  # the channel-layer group every server process's fan-out joins
LAYER_MESSAGE_TYPE = "processing.update"  # the channel-layer message carrying one event
# The channel-layer message carrying several events in seq order ("events": [{seq, kind,
# data}]): one group_send for a round of a bulk change instead of one per event.
LAYER_BATCH_TYPE = "processing.updates"

# The numbered, retained, resumable messages (one seq counter for all of them):
PROCESSING_UPDATE = "processing_update"  # an asset's processing moved on
ASSET_CREATED = "asset_created"  # data: the new asset as the API shows it, plus asset_id
ASSET_UPDATE = "asset_update"  # data: asset_id and the fields that changed (a rename: title)
ASSET_DELETED = "asset_deleted"  # data: asset_id
IMPORT_UPDATE = "import_update"  # data: an import job as the API shows it, without rejections
EVENT_TYPES = frozenset(
    {PROCESSING_UPDATE, ASSET_CREATED, ASSET_UPDATE, ASSET_DELETED, IMPORT_UPDATE}
)


def event_message(kind: str, seq: int, data: dict[str, Any]) -> dict[str, Any]:
    """A numbered event as the client receives it; anything unknown reads as progress (the
    stream's entries from before there were other kinds carry no kind)."""
    return {"type": kind if kind in EVENT_TYPES else PROCESSING_UPDATE, "seq": seq, "data": data}


def update_message(seq: int, data: dict[str, Any]) -> dict[str, Any]:
    """A processing_update as the client receives it."""
    return event_message(PROCESSING_UPDATE, seq, data)


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
