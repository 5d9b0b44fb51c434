"""The folder-import endpoints: start an import job, follow it, cancel it, and browse the media
folder's subfolders to choose one. The work is assets.ingest.import_jobs'."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from assets.api.serializers import MAX_ID, TextField
from assets.api.views import ERRORS
from assets.ingest import import_jobs
from assets.jobs.tasks import enqueue_import
from assets.models import IMPORT_REJECTIONS_KEPT, ImportJob
from mam.errors import InvalidInput, NotFound


class ImportRequestSerializer(serializers.Serializer):
    path = TextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=4096,
        default="",
        help_text="A folder (or file) relative to MEDIA_PATH; empty or omitted: all of it",
    )
    exclude = serializers.ListField(
        child=TextField(max_length=import_jobs.MAX_EXCLUDE_LENGTH, trim_whitespace=False),
        max_length=import_jobs.MAX_EXCLUDES,
        required=False,
        default=list,
        help_text="Glob patterns of files and folders to skip, by name or relative path",
    )
    process = serializers.BooleanField(
        required=False, default=True, help_text="Process the files once registered"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({n: ["Unknown field."] for n in sorted(unknown)})
        if "process" in self.initial_data and not isinstance(self.initial_data["process"], bool):
            raise serializers.ValidationError({"process": ["Must be true or false."]})
        return attrs


class ImportCountsSerializer(serializers.Serializer):
    seen = serializers.IntegerField(help_text="Files looked at so far")
    added = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Already registered")
    ignored = serializers.IntegerField(help_text="Not a supported type")
    rejected = serializers.IntegerField(help_text="Supported name, unusable file")
    excluded = serializers.IntegerField(help_text="Matched an exclude pattern")


class RejectionSerializer(serializers.Serializer):
    path = serializers.CharField()
    reason = serializers.CharField()


class ImportJobSerializer(serializers.Serializer):
    """The schema of assets.ingest.import_jobs.job_data (which builds the JSON)."""

    id = serializers.IntegerField()
    path = serializers.CharField(help_text="Relative to MEDIA_PATH; empty: all of it")
    exclude = serializers.ListField(child=serializers.CharField())
    process = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed", "cancelled"])
    cancel_requested = serializers.BooleanField(
        help_text="A cancel was asked: a running import stops within a second"
    )
    total = serializers.IntegerField(
        allow_null=True, help_text="Files to look at; null until counted"
    )
    counts = ImportCountsSerializer()
    rejections = RejectionSerializer(
        many=True, help_text=f"The first {IMPORT_REJECTIONS_KEPT} rejected files"
    )
    error = serializers.CharField(allow_null=True, help_text="Why a failed import stopped")
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class FolderSerializer(serializers.Serializer):
    name = serializers.CharField()
    path = serializers.CharField(help_text="Relative to MEDIA_PATH")


class FolderListingSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="This folder, relative to MEDIA_PATH; empty: the root")
    folders = FolderSerializer(many=True)
    truncated = serializers.BooleanField(
        help_text=f"More than {import_jobs.MAX_FOLDERS} subfolders; the first are listed"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # `parent` is a Field's own attribute, so it cannot be declared as a class attribute.
        fields = super().get_fields()
        fields["parent"] = serializers.CharField(
            allow_null=True, help_text="The folder above; null for MEDIA_PATH itself"
        )
        return fields


@extend_schema_view(
    list=extend_schema(
        summary="Folder imports, newest first",
        responses={200: ImportJobSerializer(many=True), 400: ERRORS[400]},
    ),
)
class ImportViewSet(viewsets.GenericViewSet):
    """Imports are started and cancelled by editors, like registering one file."""

    serializer_class = ImportJobSerializer
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"[^/]+"
    queryset = ImportJob.objects.none()

    def get_queryset(self) -> QuerySet[ImportJob]:
        return ImportJob.objects.select_related("created_by").order_by("-id")

    def _id(self) -> int:
        raw = self.kwargs.get("pk") or ""
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
            raise NotFound("Import not found", import_id=raw)
        return int(raw)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response([import_jobs.job_data(job) for job in page])

    @extend_schema(
        summary="Import a folder: register every supported file below it, in the background",
        request=ImportRequestSerializer,
        responses={201: ImportJobSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise InvalidInput("Request body must be a JSON object")
        given = ImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        job = import_jobs.start(
            given.validated_data["path"],
            exclude=given.validated_data["exclude"],
            process=given.validated_data["process"],
            user=request.user,
            enqueue=enqueue_import,
        )
        return Response(
            import_jobs.job_data(import_jobs.get(job.pk)), status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: ImportJobSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(import_jobs.job_data(import_jobs.get(self._id())))

    @extend_schema(
        summary="Stop an import: files registered so far stay",
        request=None,
        responses={200: ImportJobSerializer, 404: ERRORS[404], 409: ERRORS[409]},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return Response(import_jobs.job_data(import_jobs.cancel(self._id())))


class FolderListView(APIView):
    """Subfolders of the media folder, for choosing what to import (editors: only they can)."""

    required_roles = {"GET": Role.EDITOR, "HEAD": Role.EDITOR}

    @extend_schema(
        summary="The subfolders of a folder under MEDIA_PATH, for choosing an import",
        parameters=[
            OpenApiParameter(
                "path", str, description="Relative to MEDIA_PATH; empty or omitted: the root"
            )
        ],
        responses={200: FolderListingSerializer, 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("path", "")
        if "\x00" in raw:
            raise InvalidInput(
                "path: must not contain NUL characters", path=raw.replace("\x00", "")
            )
        listing = import_jobs.list_folders(raw)
        return Response(
            {
                "path": listing.path,
                "parent": listing.parent,
                "folders": listing.folders,
                "truncated": listing.truncated,
            }
        )
