"""WebSocket routes: /ws (with or without the trailing slash) on the same port as HTTP, behind
the handshake checks."""

from __future__ import annotations

from channels.routing import URLRouter
from django.urls import re_path

from assets.realtime.consumer import ProcessingConsumer
from assets.realtime.middleware import HandshakeCheckMiddleware

websocket_urlpatterns = [
    re_path(r"^ws/?$", ProcessingConsumer.as_asgi(), name="ws"),
]

websocket_application = HandshakeCheckMiddleware(URLRouter(websocket_urlpatterns))
