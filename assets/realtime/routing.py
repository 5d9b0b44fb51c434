"""WebSocket routes: /ws (with or without the trailing slash) on the same port as HTTP, behind
the handshake checks (host, origin, then credentials)."""

from __future__ import annotations

from channels.routing import URLRouter
from channels.sessions import SessionMiddlewareStack
from django.urls import re_path

from assets.realtime.consumer import ProcessingConsumer
from assets.realtime.middleware import AuthenticationMiddleware, HandshakeCheckMiddleware

websocket_urlpatterns = [
    re_path(r"^ws/?$", ProcessingConsumer.as_asgi(), name="ws"),
]

websocket_application = HandshakeCheckMiddleware(
    SessionMiddlewareStack(AuthenticationMiddleware(URLRouter(websocket_urlpatterns)))
)
