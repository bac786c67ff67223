from typing import cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError

from accounts.models import User
from core.pagination import KeysetPagination
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

    def get_queryset(self) -> QuerySet[Event]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Event.objects.none()
        return selectors.feed_for(cast(User, self.request.user), kind=self._kind())

    def paginate_queryset(self, queryset):
        return selectors.with_excerpts(super().paginate_queryset(queryset) or [])

    def _kind(self) -> str | None:
        kind = self.request.query_params.get("kind")
        if kind is not None and kind not in EventKind.values:
            choices = ", ".join(EventKind.values)
            raise ValidationError({"kind": [f"Unknown kind {kind!r}: use one of {choices}."]}, code="invalid_kind")
        return kind

    @extend_schema(tags=["feed"], parameters=[KIND_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
