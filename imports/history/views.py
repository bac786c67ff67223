"""History imports, for the member who uploads:

    POST   /api/imports/                    multipart file (+ source, overwrite_ratings): 202 with the job
    GET    /api/imports/                    your jobs, newest first
    GET    /api/imports/{id}/               status, progress 0-100 and counts
    GET    /api/imports/{id}/unmatched.csv  the rows to fix by hand, with reasons and candidates
    DELETE /api/imports/{id}/               cancel an active job (what it imported stays), or forget an ended one

Jobs are their owner's alone: anyone else, admins included, gets a 404 (operators have the Django admin).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import member
from core.serializers import ErrorSerializer
from imports import tasks
from imports.history import selectors, services
from imports.history.rows import Source
from imports.history.serializers import ImportJobSerializer, ImportUploadSerializer
from imports.history.upload import UploadRefused, open_upload
from imports.models import ImportJob


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class OwnJobsMixin(generics.GenericAPIView):
    """The logged-in member's jobs only: anyone else's are a 404."""

    def get_queryset(self) -> QuerySet[ImportJob]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ImportJob.objects.none()
        return selectors.import_jobs_of(member(self.request))


class ImportJobListView(OwnJobsMixin, generics.ListCreateAPIView):
    serializer_class = ImportJobSerializer
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=["imports"], summary="Your history imports")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["imports"],
        summary="Import your film history",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            202: OpenApiResponse(ImportJobSerializer, description="Accepted: the job, queued or already run."),
            400: _error("No file, a file too large or unsafe, or a format that is not recognised."),
            409: _error("An import of yours is still running."),
            503: _error("The task queue is unavailable."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload_file = body.validated_data["file"]
        data = upload_file.read()
        source = body.validated_data.get("source")
        try:
            upload = open_upload(data, upload_file.name or "upload", Source(source) if source else None)
        except UploadRefused as exc:
            raise ValidationError({"file": [ErrorDetail(exc.message, code=exc.code)]}) from exc
        job = services.import_job_create(
            user=member(request),
            upload=upload,
            data=data,
            file_name=upload_file.name or "upload",
            overwrite_ratings=body.validated_data["overwrite_ratings"],
        )
        tasks.history_import_enqueue(job)
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobDetailView(OwnJobsMixin, generics.RetrieveDestroyAPIView):
    serializer_class = ImportJobSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["imports"],
        summary="One of your history imports",
        responses={200: ImportJobSerializer, 404: _error("Not one of your imports.")},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["imports"],
        summary="Cancel an import, or forget an ended one",
        responses={204: None, 404: _error("Not one of your imports.")},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance: ImportJob) -> None:
        services.import_job_delete(job=instance)


class ImportUnmatchedView(OwnJobsMixin, generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ImportJobSerializer

    @extend_schema(
        tags=["imports"],
        summary="The rows of an import to fix by hand (CSV)",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="file,line,what,status,title,..."),
            404: _error("Not one of your imports."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        job = get_object_or_404(self.get_queryset(), pk=pk)
        response = HttpResponse(selectors.unmatched_csv(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-unmatched.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
