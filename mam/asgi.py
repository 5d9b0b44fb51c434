"""The ASGI application Daphne serves on one port: HTTP (Django) and the /ws WebSocket."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 - needs Django set up

from assets.routing import websocket_urlpatterns  # noqa: E402
from mam.system_log import log_startup  # noqa: E402

log_startup("web")
# The origin check lives in the consumer: it also admits the server's own origin whatever
# host name a client used, and clients with no Origin at all (CONTRACT.md section 4).
application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": URLRouter(websocket_urlpatterns)}
)
