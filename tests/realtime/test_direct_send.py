"""mam.server's direct send: a frame goes on the wire before the call returns, and Twisted is
asked to watch the socket only for what the kernel did not take."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from twisted.internet import tcp

from mam.server import unsent_bytes, write_now


class RecordingReactor:
    """Just enough reactor for a Connection: records the writability it is asked to watch."""

    def __init__(self) -> None:
        self.writers: list[Any] = []

    def addWriter(self, writer: Any) -> None:
        self.writers.append(writer)

    def removeWriter(self, writer: Any) -> None:
        pass

    def addReader(self, reader: Any) -> None:
        pass

    def removeReader(self, reader: Any) -> None:
        pass


@pytest.fixture
def pair() -> Iterator[tuple[tcp.Connection, socket.socket, RecordingReactor]]:
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    reactor = RecordingReactor()
    connection = tcp.Connection(ours, None, reactor)  # type: ignore[arg-type]
    connection.connected = True
    yield connection, theirs, reactor
    ours.close()
    theirs.close()


def read_all(peer: socket.socket, size: int) -> bytes:
    peer.settimeout(2)
    data = b""
    while len(data) < size:
        data += peer.recv(size - len(data))
    return data


def test_a_frame_to_an_idle_socket_is_on_the_wire_before_the_call_returns(pair: Any) -> None:
    connection, peer, reactor = pair
    write_now(connection, b"\x81\x05hello")
    write_now(connection, b"\x81\x05world")
    assert read_all(peer, 14) == b"\x81\x05hello\x81\x05world"
    assert reactor.writers == [], "nothing was left for the reactor's next turn"
    assert unsent_bytes(connection) == 0


def test_what_the_kernel_does_not_take_waits_in_twisted_in_order(pair: Any) -> None:
    connection, peer, reactor = pair
    big = bytes(range(256)) * (8 * 1024)  # 2 MiB: more than a socket pair's buffers
    write_now(connection, big)
    left = unsent_bytes(connection)
    assert 0 < left < len(big)
    assert reactor.writers == [connection]
    write_now(connection, b"after")  # something is waiting: this goes behind it, not before
    assert unsent_bytes(connection) == left + 5
    received = peer.recv(1 << 16)
    assert big.startswith(received)


def test_a_closing_connection_is_left_to_twisted(pair: Any) -> None:
    connection, peer, _ = pair
    connection.disconnecting = True
    write_now(connection, b"late")
    assert unsent_bytes(connection) == 4  # Twisted flushes it before it closes
    peer.setblocking(False)
    with pytest.raises(BlockingIOError):
        peer.recv(10)
