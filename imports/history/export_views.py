"""``GET /api/users/me/export/``: everything the member owns, as a ZIP to download (imports/history/export.py)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.authentication import member
from core.serializers import ErrorSerializer
from core.throttling import ExportRateThrottle
from imports.history.export import CSV_NAME, FORMAT, JSON_NAME, user_export

ZIP_MEDIA_TYPE = "application/zip"


class UserExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get_throttles(self) -> list:
        return [*super().get_throttles(), ExportRateThrottle()]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # The body is a ZIP whatever the client asks for; errors are the JSON error body.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["accounts"],
        summary="Export everything you own",
        responses={
            (200, ZIP_MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=(
                    f"A ZIP named flixreview-<username>-<YYYY-MM-DD>.zip: {CSV_NAME} (Letterboxd's import format) "
                    f"and {JSON_NAME} (the {FORMAT} document: profile, reviews, diary, watched, watchlist, likes, "
                    "not interested, lists and comments, private ones included)."
                ),
            ),
            401: OpenApiResponse(ErrorSerializer, description="Not logged in."),
            429: OpenApiResponse(ErrorSerializer, description="Too many exports: retry after Retry-After seconds."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """Download your reviews, diary, watched films, watchlist, likes, "not interested" films, lists (private ones
        too), comments and profile: a CSV Letterboxd can import and a JSON document FlixReview imports again."""
        file_name, body = user_export(member(request))
        response = HttpResponse(body, content_type=ZIP_MEDIA_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, file_name)
        response["Cache-Control"] = "private, no-store"
        return response
