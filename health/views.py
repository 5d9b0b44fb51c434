"""Health endpoints: 200 when usable, 503 when a critical component is down."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from health import checks
from mam.errors import utc_timestamp

STATUS_CHECKS: dict[str, Callable[[], checks.ComponentHealth]] = {
    "database": checks.check_database,
    "redis": checks.check_redis,
    "filesystem": checks.check_filesystem,
    "memory": checks.check_memory,
}


def report(components: dict[str, checks.ComponentHealth], **extra: object) -> Response:
    status = checks.overall(components)
    body = {
        "status": status,
        "timestamp": utc_timestamp(),
        "components": {name: c.as_dict() for name, c in components.items()},
        **extra,
    }
    return Response(body, status=503 if status == checks.UNHEALTHY else 200)


class StatusView(APIView):
    @extend_schema(summary="Overall system health", responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        return report({name: check() for name, check in STATUS_CHECKS.items()})
