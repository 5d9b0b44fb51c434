"""`python -m mam.server`: Daphne as MAM runs it (same arguments as `python -m daphne`).

Changes to Daphne's request and WebSocket protocol. First, a body larger than
MAM_MAX_REQUEST_BYTES is refused with 413 and the contract's error body as soon as the
headers say so (or, for a chunked body, as soon as it grows past the cap), before any of it
is stored: Daphne otherwise spools every body whole and then queues all of it in memory for
the application (django/daphne#483), so one 1 GiB POST cost over 1 GB of RAM even when
refused. Large files use the resumable upload (/api/v1/uploads), whose chunks stay under the
cap. With `Expect: 100-continue` the client never sends the body at all; without it, what it
sends is read and dropped for a few seconds so that it sees the answer instead of a reset,
then the connection is closed.

A WebSocket client that stops reading is dropped once 4 MiB wait for it, instead of the
server queueing its answers and updates without bound.

Last, Twisted no longer parses POST bodies itself. By default it reads every
multipart/form-data body into memory and parses it on the event loop before the application
sees it: an upload costs several times its size (a 256 MiB upload peaked at +3.2 GB and
stalled every other request for 17 s), and a malformed one is answered with a bare 400 with
no body. Django parses the body anyway, streaming to disk, and answers in the contract's
format.

With `--fd N` (how mam.launcher runs several of these on one port) the inherited listening
socket is adopted with its own address family; Twisted's `fd:` endpoint assumes IPv4.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

from daphne import http_protocol, ws_protocol
from daphne import server as daphne_server
from daphne.cli import CommandLineInterface
from daphne.server import Server
from twisted.internet import tcp
from twisted.internet.endpoints import AdoptedStreamServerEndpoint, serverFromString
from twisted.web import http

from assets.realtime.protocol import SEND_TEXT
from mam.config import Config

REQUEST_BUFFER_BYTES = 2**20
# How long a refused client may go on sending (dropped) before the connection is closed.
DRAIN_SECONDS = 5.0


def refusal(limit: int) -> bytes:
    from mam.errors import error_body  # Django is set up by then: the application is loaded

    body = json.dumps(
        error_body(
            f"Request body too large: at most {limit} bytes; "
            "upload large files with the resumable upload at /api/v1/uploads",
            {"max_request_bytes": limit},
        )
    ).encode()
    head = (
        "HTTP/1.1 413 Request Entity Too Large\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head + body


class BodyPassingRequest(http_protocol.WebRequest):
    """Daphne's request, with a cap on bodies and Twisted's own form parsing off."""

    refused = False
    received = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parsePOSTFormSubmission"] = False
        super().__init__(*args, **kwargs)

    def gotLength(self, length: int | None) -> None:
        if length is not None and length > Config.MAX_REQUEST_BYTES:
            self.refuse()
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.received += len(data)
        if self.received > Config.MAX_REQUEST_BYTES:  # chunked: no length was announced
            self.refuse()
            return
        super().handleContentChunk(data)

    def refuse(self) -> None:
        self.refused = True
        content: Any = getattr(self, "content", None)
        if content is not None:
            content.close()
        self.content = None
        # No "100 Continue" for a body that is refused anyway.
        self.requestHeaders.removeHeader(b"expect")
        channel = self.channel
        channel.persistent = False
        channel.transport.write(refusal(Config.MAX_REQUEST_BYTES))
        # Imported here: Daphne installs its asyncio reactor first.
        from twisted.internet import reactor

        later: Any = reactor
        later.callLater(DRAIN_SECONDS, channel.transport.loseConnection)

    def process(self) -> Any:
        if self.refused:
            return None  # answered already; the application never sees it
        return super().process()

    def connectionLost(self, reason: Any) -> None:
        if self.refused:  # never reached Daphne's server, which would not know it
            http.Request.connectionLost(self, reason)
            return
        super().connectionLost(reason)


# A WebSocket client that does not read what it is sent gets this much queued, then it is
# dropped: otherwise every answer and update waits in the server's memory without bound.
MAX_UNSENT_WS_BYTES = 4 * 2**20


def unsent_bytes(transport: Any) -> int:
    """What Twisted holds for the peer because the kernel's buffer is full."""
    buffered = len(getattr(transport, "dataBuffer", b"")) - getattr(transport, "offset", 0)
    return buffered + int(getattr(transport, "_tempDataLen", 0))


# Frames a client sent that the application has not taken yet: past this, the server stops
# reading from that client (TCP then slows it down) until the application catches up.
MAX_QUEUED_WS_FRAMES = 256
RESUME_CHECK_SECONDS = 0.05


class BoundedWebSocketProtocol(ws_protocol.WebSocketProtocol):
    """Daphne's WebSocket protocol with bounds both ways: a client sending faster than the
    application handles its frames is read no further until it has caught up, and a client
    whose unsent output grew too large is dropped."""

    mam_paused = False

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        super().onMessage(payload, isBinary)
        queue = getattr(self, "application_queue", None)
        if queue is not None and not self.mam_paused and queue.qsize() > MAX_QUEUED_WS_FRAMES:
            self.mam_paused = True
            self.transport.pauseProducing()
            self._resume_later()

    def _resume_later(self) -> None:
        from twisted.internet import reactor

        later: Any = reactor
        later.callLater(RESUME_CHECK_SECONDS, self._resume_when_drained)

    def _resume_when_drained(self) -> None:
        queue = getattr(self, "application_queue", None)
        if self.transport is None or getattr(self.transport, "disconnected", False):
            return
        if queue is None or queue.qsize() <= MAX_QUEUED_WS_FRAMES // 4:
            self.mam_paused = False
            self.transport.resumeProducing()
        else:
            self._resume_later()

    def serverSend(self, content: Any, binary: bool = False) -> None:
        if binary or not isinstance(content, str) or self.state != self.STATE_OPEN:
            if not self._dropped_for_not_reading():
                super().serverSend(content, binary)
            return
        self.mam_send_text(content)

    def mam_send_text(self, text: str) -> None:
        """A text frame, written now: what Daphne's `websocket.send` does, without the trip
        through the ASGI send chain. The fan-out calls it for each socket of every update
        (through the scope's SEND_TEXT); a socket no longer open takes nothing."""
        if self.state != self.STATE_OPEN or self._dropped_for_not_reading():
            return
        prepared = _prepared(self.factory, text)
        if self.send_queue or not (self._perMessageCompress is None or prepared.doNotCompress):
            self.sendPreparedMessage(prepared)  # autobahn's own queue or compression
            return
        write_now(self.transport, prepared.payloadHybi)
        self.trafficStats.outgoingOctetsWireLevel += len(prepared.payloadHybi)

    def _dropped_for_not_reading(self) -> bool:
        if unsent_bytes(self.transport) <= MAX_UNSENT_WS_BYTES:
            return False
        if not getattr(self, "mam_dropped", False):
            self.mam_dropped = True
            logging.getLogger("mam.system").warning(
                "ws_dropped %s",
                json.dumps({"reason": "not reading", "client": str(self.client_addr)}),
            )
            self.dropConnection(abort=True)
        return True


def write_now(transport: Any, data: bytes) -> None:
    """Writes to the socket at once when nothing is waiting before it, as asyncio's own
    transports do; only what the kernel does not take is left to Twisted.

    Twisted buffers every write until the reactor's next turn: it registers the socket for
    writability, writes, and unregisters it, two epoll_ctl calls and a callback per message per
    socket (29% of the server's time when a thousand sockets each get every update).
    """
    usual = isinstance(transport, tcp.Connection) and transport.connected
    closing = usual and (transport.disconnecting or transport._writeDisconnected)
    if not usual or closing or unsent_bytes(transport) or not data:
        transport.write(data)  # TLS, a closing or busy socket: Twisted's way
        return
    sent = transport.writeSomeData(data)
    if isinstance(sent, int):
        if sent < len(data):
            transport.write(data[sent:])
    else:  # the connection is lost: Twisted's own write finds that out and tears it down
        transport.write(data)


# The fan-out hands the same text object to every socket of the process: it is framed once
# (encoding and WebSocket header) and the same bytes written to each, instead of once per
# socket. Holding the last one is enough: every socket's copy is sent within one update.
_last_prepared: tuple[str, Any] | None = None


def _prepared(factory: Any, text: str) -> Any:
    global _last_prepared
    if _last_prepared is None or _last_prepared[0] is not text:
        _last_prepared = (text, factory.prepareMessage(text.encode("utf8"), False))
    return _last_prepared[1]


class MamServer(Server):
    """Daphne's server, handing a body to the application in 1 MiB messages instead of 8 KiB
    ones (a 4 MiB upload chunk is 4 messages, not 512); bodies are capped anyway. A WebSocket
    connection's scope carries its protocol's direct send (SEND_TEXT)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["request_buffer_size"] = REQUEST_BUFFER_BYTES
        super().__init__(*args, **kwargs)

    def create_application(self, protocol: Any, scope: dict[str, Any]) -> Any:
        if isinstance(protocol, BoundedWebSocketProtocol):
            scope[SEND_TEXT] = protocol.mam_send_text
        return super().create_application(protocol, scope)


def endpoint_from_string(reactor: Any, description: str) -> Any:
    """Twisted's endpoint parser, except that an inherited socket keeps its family."""
    if description.startswith("fd:fileno=") and description[10:].isdigit():
        fileno = int(description[10:])
        probe = socket.socket(fileno=fileno)  # reads the family of the inherited socket
        family = probe.family
        probe.detach()
        return AdoptedStreamServerEndpoint(reactor, fileno, family)
    return serverFromString(reactor, description)


def main() -> None:
    # Daphne's HTTPFactory looks the request class up on its module when a connection opens.
    http_protocol.WebRequest = BodyPassingRequest
    ws_protocol.WebSocketFactory.protocol = BoundedWebSocketProtocol
    CommandLineInterface.server_class = MamServer
    daphne_server.serverFromString = endpoint_from_string
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
