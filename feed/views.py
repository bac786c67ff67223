from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import member
from core.pagination import Entry, KeysetPagination, Position
from feed import selectors
from feed.models import Event, EventKind
from feed.serializers import FeedItemSerializer

KIND_PARAMETER = OpenApiParameter(
    "kind", OpenApiTypes.STR, enum=EventKind.values, description="Only this kind of activity."
)


class FeedView(generics.ListAPIView):
    """What the members you follow did, newest first: reviews, diary entries, new lists, review likes.

    Paginated by cursor: follow `next` for older activity; activity that arrives meanwhile does not shift pages.
    """

    serializer_class = FeedItemSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = KeysetPagination
    filter_backends: list = []
    queryset = Event.objects.none()  # the page is read by selectors.feed_page

    @extend_schema(tags=["feed"], parameters=[KIND_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args, **kwargs) -> Response:
        viewer, kind = member(request), self._kind()

        def fetch(position: Position | None, limit: int) -> list[Entry]:
            return selectors.feed_page(viewer, kind, position, limit)

        page = cast(KeysetPagination, self.paginator).paginate(fetch, request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _kind(self) -> str | None:
        kind = self.request.query_params.get("kind")
        if kind is not None and kind not in EventKind.values:
            choices = ", ".join(EventKind.values)
            raise ValidationError({"kind": [f"Unknown kind {kind!r}: use one of {choices}."]}, code="invalid_kind")
        return kind
