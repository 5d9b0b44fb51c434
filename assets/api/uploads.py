"""The tus 1.0.0 endpoint at /api/v1/uploads (assets.ingest.resumable does the work).

Every answer carries `Tus-Resumable`; errors have the contract's JSON body.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit
from accounts.models import AuditAction
from assets.api.views import ERROR_SCHEMA
from assets.ingest import resumable
from mam.config import Config

TUS_HEADERS = [
    OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True, enum=["1.0.0"])
]
ERROR = OpenApiResponse(ERROR_SCHEMA)


class ChunkParser(BaseParser):
    """Accepts a chunk's media type; the view reads the body as a stream, never parsed."""

    media_type = "application/offset+octet-stream"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return {}


class TusView(APIView):
    parser_classes = [ChunkParser]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = resumable.TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def check_version(self, request: Request) -> None:
        given = request.headers.get("Tus-Resumable")
        if given != resumable.TUS_VERSION:
            raise resumable.PreconditionFailed(
                f"Tus-Resumable must be {resumable.TUS_VERSION}", tus_resumable=given
            )


class UploadCollectionView(TusView):
    @extend_schema(
        summary="What the resumable upload supports (tus discovery)",
        responses={204: None},
    )
    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={
                "Tus-Version": resumable.TUS_VERSION,
                "Tus-Extension": resumable.TUS_EXTENSIONS,
                "Tus-Max-Size": str(Config.MAX_UPLOAD_BYTES),
            },
        )

    @extend_schema(
        summary="Start a resumable upload (tus creation): Upload-Length, Upload-Metadata",
        request=None,
        parameters=[
            *TUS_HEADERS,
            OpenApiParameter("Upload-Length", int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                "Upload-Metadata",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="filename <base64>[,title <base64>]",
                pattern=r"^(.*,)?filename [A-Za-z0-9+/]+={0,2}(,.*)?$",
            ),
        ],
        responses={201: None, 400: ERROR, 412: ERROR, 413: ERROR},
    )
    def post(self, request: Request) -> Response:
        self.check_version(request)
        upload = resumable.create(
            request.user,
            request.headers.get("Upload-Length"),
            request.headers.get("Upload-Metadata"),
        )
        return Response(
            status=status.HTTP_201_CREATED,
            headers={
                "Location": f"{Config.API_PREFIX}/uploads/{upload.id}",
                "Upload-Expires": resumable.expires_at(upload),
                "Upload-Offset": "0",
            },
        )


class UploadView(TusView):
    def _offset_headers(self, upload: Any) -> dict[str, str]:
        return {
            "Upload-Offset": str(upload.offset),
            "Upload-Length": str(upload.length),
            "Upload-Expires": resumable.expires_at(upload),
        }

    @extend_schema(
        summary="An upload's state: {offset, length, asset_id} (asset_id once complete)",
        responses={200: dict, 404: ERROR},
    )
    def get(self, request: Request, upload_id: str) -> Response:
        upload = resumable.find(upload_id, request.user)
        return Response(
            {"offset": upload.offset, "length": upload.length, "asset_id": upload.asset_id},
            headers=self._offset_headers(upload),
        )

    @extend_schema(exclude=True)
    def head(self, request: Request, upload_id: str) -> Response:
        self.check_version(request)
        upload = resumable.find(upload_id, request.user)
        return Response(status=status.HTTP_200_OK, headers=self._offset_headers(upload))

    @extend_schema(
        summary="Append a chunk at Upload-Offset (tus core)",
        request={"application/offset+octet-stream": bytes},
        parameters=[
            *TUS_HEADERS,
            OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            204: None,
            400: ERROR,
            404: ERROR,
            409: ERROR,
            410: ERROR,
            412: ERROR,
            415: ERROR,
        },
    )
    def patch(self, request: Request, upload_id: str) -> Response:
        self.check_version(request)
        upload = resumable.find(upload_id, request.user)
        upload = resumable.append(
            upload,
            request.headers.get("Upload-Offset"),
            request.content_type or "",
            request._request,
        )
        if upload.asset_id is not None:
            audit.record(request, AuditAction.UPLOAD, upload.asset_id, file_path=upload.filename)
        return Response(status=status.HTTP_204_NO_CONTENT, headers=self._offset_headers(upload))

    @extend_schema(
        summary="Cancel an upload (tus termination): its bytes are removed",
        parameters=TUS_HEADERS,
        responses={204: None, 404: ERROR, 412: ERROR},
    )
    def delete(self, request: Request, upload_id: str) -> Response:
        self.check_version(request)
        resumable.terminate(resumable.find(upload_id, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
