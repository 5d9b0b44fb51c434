"""The contract's error body for every 4xx/5xx under /api and /thumbnails, wherever it arises."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger("mam.errors")


class DomainError(Exception):
    """A rule of the domain was broken; carries the status and context the client needs."""

    status_code: int = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = {k: v for k, v in context.items() if v is not None}


class InvalidInput(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT


class PayloadTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def utc_timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error_body(message: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": message, "timestamp": utc_timestamp(), "context": context or {}}


def error_response(
    message: str, status_code: int, context: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(message, context), status=status_code)


def _validation_message(detail: Any) -> str:
    """The first human-readable message of a DRF validation error, prefixed with its field."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = _validation_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
    if isinstance(detail, list) and detail:
        return _validation_message(detail[0])
    return str(detail)


def request_limit_error(exc: Exception) -> DomainError | None:
    """Django's refusals of an oversized or malformed request, as the contract's errors.

    Django raises these while a view reads the body or the query string (so after DRF's
    dispatch began); left alone they would be 500s.
    """
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return PayloadTooLarge(
            f"Request data (besides uploaded files) is larger than the limit of {limit} bytes",
            max_bytes=limit,
        )
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return InvalidInput(
            f"Too many parameters or form fields (the limit is {limit})", max_fields=limit
        )
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return InvalidInput(
            f"Too many files in one request (the limit is {limit})", max_files=limit
        )
    if isinstance(exc, SuspiciousOperation | BadRequest):
        return InvalidInput("Bad request")
    return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every error a view raises becomes the contract's body."""
    headers: dict[str, str] = {}
    exc = request_limit_error(exc) or exc
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(error_body(exc.message, exc.context), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait or 1))  # type: ignore[attr-defined]
        if isinstance(exc, exceptions.ValidationError):
            body = error_body(_validation_message(exc.detail), {"fields": exc.detail})
        else:
            body = error_body(str(exc.detail))
        return Response(body, status=exc.status_code, headers=headers)
    request = context.get("request")
    logger.exception("unhandled error in %s", getattr(request, "path", "?"))
    set_rollback()
    return Response(error_body("Internal server error"), status=500)


def handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response("Not found", 404, {"path": request.path})


def handler500(request: HttpRequest) -> JsonResponse:
    return error_response("Internal server error", 500)


def handler400(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response("Bad request", 400)


def handler403(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response("Forbidden", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(f"Forbidden: {reason or 'CSRF check failed'}", 403)
