"""The open single-user mode (MAM_AUTH=off) for the parts DRF does not cover.

The admin site gets the local admin as its user. And since nobody signs in, nothing but the
Origin header stops another web site from making a visitor's browser POST to a MAM on
localhost: unsafe requests from a foreign origin are refused (scripts send no Origin).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from accounts.roles import auth_enabled, stored_open_mode_user
from mam.errors import error_response

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def same_origin(request: HttpRequest, origin: str) -> bool:
    origin = origin.strip().rstrip("/")
    if origin in settings.CORS_ALLOWED_ORIGINS:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False
    return parts.netloc.lower() == request.get_host().lower() and parts.scheme == request.scheme


class OpenModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if auth_enabled():
            return self.get_response(request)
        origin = request.headers.get("Origin")
        if request.method not in SAFE_METHODS and origin and not same_origin(request, origin):
            return error_response(
                "Cross-site request refused (MAM_AUTH is off)", 403, {"origin": origin[:200]}
            )
        if request.path.startswith("/admin/"):
            request.user = SimpleLazyObject(stored_open_mode_user)  # type: ignore[assignment]
        return self.get_response(request)
