"""Health endpoints: 200 when usable, 503 when a critical component is down."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Public
from assets.models import AssetStatus
from assets.realtime.protocol import HEARTBEAT_INTERVAL
from assets.selectors import status_counts as asset_status_counts
from health import checks
from mam.config import Config
from mam.errors import utc_timestamp

STATUS_CHECKS: dict[str, Callable[[], checks.ComponentHealth]] = {
    "database": checks.check_database,
    "redis": checks.check_redis,
    "filesystem": checks.check_filesystem,
    "memory": checks.check_memory,
    "workers": checks.check_workers,
    "scheduler": checks.check_scheduler,
    "watcher": checks.check_watcher,
    "channel_layer": checks.check_channel_layer,
}


def report(components: dict[str, checks.ComponentHealth], **extra: object) -> Response:
    status = checks.overall(components)
    checks.log_changes(components)
    body = {
        "status": status,
        "timestamp": utc_timestamp(),
        "components": {name: c.as_dict() for name, c in components.items()},
        **extra,
    }
    return Response(body, status=503 if status == checks.UNHEALTHY else 200)


class StatusView(APIView):
    """The one public endpoint, for probes: states only, no secrets."""

    permission_classes = [Public]
    authentication_classes: list[type] = []

    @extend_schema(summary="Overall system health", responses={200: dict, 503: dict}, auth=[])
    def get(self, request: Request) -> Response:
        return report({name: check() for name, check in STATUS_CHECKS.items()})


class ProcessingView(APIView):
    @extend_schema(
        summary="Queued, active, pending and failed work, and the live workers",
        responses={200: dict, 503: dict},
    )
    def get(self, request: Request) -> Response:
        state = checks.processing_state()
        try:
            counts: dict[str, int] = asset_status_counts()
            database_error = None
        except DatabaseError as exc:
            counts, database_error = {}, type(exc).__name__
        down = state.stalled or database_error is not None
        workers = checks.check_workers(state)
        schedule = checks.check_scheduler()
        status = (
            checks.UNHEALTHY
            if down
            else checks.overall({"workers": workers, "scheduler": schedule})
        )
        checks.log_changes({"processing": checks.ComponentHealth(status)})
        body: dict[str, object] = {
            "status": status,
            "timestamp": utc_timestamp(),
            "queued": state.queued,
            "active": counts.get(AssetStatus.PROCESSING, 0),
            "pending": counts.get(AssetStatus.PENDING, 0),
            "failed": counts.get(AssetStatus.FAILED, 0),
            "ready": counts.get(AssetStatus.READY, 0),
            "workers": {"count": len(state.workers), "live": state.workers},
            "scheduler": schedule.as_dict(),
        }
        if state.redis_error:
            body["error"] = f"Redis unavailable ({state.redis_error})"
        elif database_error:
            body["error"] = f"Database unavailable ({database_error})"
        elif state.stalled:
            body["error"] = "Work is queued and no worker is alive"
        return Response(body, status=503 if down else 200)


class WebsocketView(APIView):
    @extend_schema(
        summary="Open /ws connections, channel-layer round trip, retained updates",
        responses={200: dict, 503: dict},
    )
    def get(self, request: Request) -> Response:
        layer = checks.check_channel_layer()
        layer.critical = True  # /ws cannot deliver anything without it
        realtime = checks.check_realtime_events()
        return report(
            {"channel_layer": layer, "events": realtime},
            open_connections=realtime.details.get("open_connections"),
            heartbeat_interval=HEARTBEAT_INTERVAL,
            idle_timeout=Config.WS_IDLE_TIMEOUT,
        )
