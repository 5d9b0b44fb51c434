"""The ASGI application Daphne serves on one port: HTTP (Django) and the /ws WebSocket."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from mam import config

config.mark_web_process()  # before the settings load: they choose its database connections
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402 - needs Django set up

from assets.realtime.routing import websocket_application  # noqa: E402
from mam.system_log import log_startup  # noqa: E402

log_startup("web")
application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})
