"""Keeps the error contract under /api and /thumbnails even with DEBUG on and outside DRF views."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from mam.errors import DomainError, error_response

logger = logging.getLogger("mam.errors")
CONTRACT_PREFIXES = ("/api/", "/thumbnails/")


class ContractErrorMiddleware:
    """Turns an exception escaping a view under the contract's prefixes into a JSON 500.

    Django's own handler500 does this when DEBUG is off; with DEBUG on it would render the
    technical page with a traceback and server paths, which the contract forbids.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(CONTRACT_PREFIXES):
            return None
        if isinstance(exception, DomainError):
            return error_response(exception.message, exception.status_code, exception.context)
        if isinstance(exception, Http404):
            return error_response("Not found", 404, {"path": request.path})
        if isinstance(exception, PermissionDenied):
            return error_response("Forbidden", 403)
        logger.exception("unhandled error in %s", request.path, exc_info=exception)
        return error_response("Internal server error", 500)
