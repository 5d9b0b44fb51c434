"""The ASGI application Daphne serves on one port: HTTP (Django) and the /ws WebSocket."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.core.asgi import get_asgi_application

from mam import config

config.mark_web_process()  # before the settings load: they choose its database connections
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mam.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402 - needs Django set up

from assets.realtime.routing import websocket_application  # noqa: E402
from mam.system_log import log_startup  # noqa: E402


class RequestThreads:
    """Runs each HTTP request's synchronous work (views, the ORM) on one of a few long-lived
    threads instead of a thread made for that request.

    Django under ASGI gives every request a thread of its own (a ThreadSensitiveContext with
    no executor), and database connections belong to threads: each request opened its own
    SQLite connection (17% of a list request's time) and started a thread. Here a request
    takes the thread with the fewest requests in flight; Django's own context then finds
    this one and keeps to it. A thread keeps its SQLite connection (CONN_MAX_AGE); on
    PostgreSQL connections come from the pool either way.
    """

    def __init__(self, app: Any, threads: int) -> None:
        self.app = app
        self.executors = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"mam-request-{n}")
            for n in range(max(1, threads))
        ]
        self.in_flight = [0] * len(self.executors)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        index = min(range(len(self.executors)), key=self.in_flight.__getitem__)
        self.in_flight[index] += 1
        try:
            async with ThreadSensitiveContext(executor=self.executors[index]):
                await self.app(scope, receive, send)
        finally:
            self.in_flight[index] -= 1


log_startup("web")
application = ProtocolTypeRouter(
    {
        "http": RequestThreads(django_asgi_app, config.Config.DB_POOL_SIZE),
        "websocket": websocket_application,
    }
)
