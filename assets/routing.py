"""WebSocket routes: /ws (with or without the trailing slash) on the same port as HTTP."""

from __future__ import annotations

from django.urls import re_path

from assets.consumers import ProcessingConsumer

websocket_urlpatterns = [
    re_path(r"^ws/?$", ProcessingConsumer.as_asgi(), name="ws"),
]
