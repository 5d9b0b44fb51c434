"""Who is responsible for an asset right now, kept in Redis beside the broker's queue.

- A *queued marker* from the moment its task is sent until a worker claims it: the message is
  still in the broker (they live and die together in the same Redis).
- A *lease* while a worker processes it, renewed by that worker every third of its lifetime:
  a worker that dies stops renewing, and the lease expires.

Only one worker can hold an asset's lease, so a second delivery of a running asset waits its
turn instead of processing it at the same time; the reconciler re-queues only assets that
have neither a marker nor a lease.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import redis

from mam.config import Config
from mam.redis_clients import Purpose, redis_client, redis_key

logger = logging.getLogger("mam.tasks")

# A marker outlives any queue a real library builds up; the claim removes it.
QUEUED_MARKER_SECONDS = 24 * 3600

_RENEW_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def queued_key(asset_id: int) -> str:
    return redis_key("jobs", "queued", str(asset_id))


def lease_key(asset_id: int) -> str:
    return redis_key("jobs", "lease", str(asset_id))


def mark_queued(asset_ids: Iterable[int]) -> None:
    """Called as tasks are sent. Never raises: without a marker the reconciler may re-queue
    the asset once more, and a second delivery of finished work is a no-op."""
    try:
        with redis_client(Purpose.EVENTS).pipeline(transaction=False) as pipe:
            for asset_id in asset_ids:
                pipe.set(queued_key(asset_id), 1, ex=QUEUED_MARKER_SECONDS)
            pipe.execute()
    except redis.RedisError as exc:
        logger.warning("could not mark assets as queued: %s", exc)


def forget_queued(asset_ids: Sequence[int]) -> None:
    """Their tasks could not be sent after all: nothing is queued (never raises)."""
    if not asset_ids:
        return
    try:
        redis_client(Purpose.EVENTS).delete(*(queued_key(a) for a in asset_ids))
    except redis.RedisError as exc:
        logger.warning("could not unmark %s asset(s): %s", len(asset_ids), exc)


def busy(asset_ids: list[int]) -> set[int]:
    """Which of these assets are still queued in the broker or leased by a live worker."""
    if not asset_ids:
        return set()
    keys = [k for a in asset_ids for k in (queued_key(a), lease_key(a))]
    values = redis_client(Purpose.EVENTS).mget(keys)
    return {
        asset_id
        for index, asset_id in enumerate(asset_ids)
        if values[2 * index] is not None or values[2 * index + 1] is not None
    }


class LeaseHeld(Exception):
    """Another worker holds this asset's lease: try again once it can have expired."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@contextmanager
def lease(asset_id: int) -> Iterator[None]:
    """Holds the asset's lease for the block, renewing it from a thread; LeaseHeld when
    another worker holds it. The queued marker goes: the task has left the broker."""
    client = redis_client(Purpose.EVENTS)
    key, token = lease_key(asset_id), f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4()}"
    seconds = Config.LEASE_SECONDS
    try:
        acquired = bool(client.set(key, token, nx=True, ex=seconds))
        holder, left = (None, 0) if acquired else (client.get(key), int(client.ttl(key)))
        client.delete(queued_key(asset_id))
    except redis.RedisError as exc:
        # Without Redis there is no broker either; the database claim still orders the work.
        logger.warning("processing asset %s without a lease: %s", asset_id, exc)
        yield
        return
    if not acquired:
        raise LeaseHeld(
            f"asset {asset_id} is being processed by {holder!r}", retry_after=max(1, left) + 1
        )
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(seconds / 3):
            try:
                client.eval(_RENEW_SCRIPT, 1, key, token, seconds)
            except redis.RedisError as exc:  # it expires if this keeps failing: re-queued
                logger.warning("could not renew the lease of asset %s: %s", asset_id, exc)

    renewer = threading.Thread(target=renew, name=f"mam-lease-{asset_id}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        try:
            client.eval(_RELEASE_SCRIPT, 1, key, token)
        except redis.RedisError as exc:
            logger.warning("could not release the lease of asset %s: %s", asset_id, exc)
