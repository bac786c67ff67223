from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import member
from core.filters import FilterBackend
from notifications import selectors, services
from notifications.filters import NotificationFilter
from notifications.models import Notification
from notifications.pagination import NotificationPagination
from notifications.serializers import MarkReadSerializer, NotificationSerializer, UnreadCountSerializer


class NotificationListView(generics.ListAPIView):
    """Your notifications, newest first, with your unread count beside the page. Only yours: each member sees
    their own, admins included."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NotificationPagination
    filter_backends = [FilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return selectors.notifications_page_rows(member(self.request))

    @extend_schema(tags=["notifications"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationsReadView(APIView):
    """Mark notifications read: ``{"ids": [...]}`` (yours; anyone else's ids change nothing) or ``{"all": true}``.
    Answers your new unread count."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(tags=["notifications"], request=MarkReadSerializer, responses=UnreadCountSerializer)
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unread_count = services.notifications_mark_read(
            user=member(request),
            ids=serializer.validated_data.get("ids"),
            everything=serializer.validated_data.get("all", False),
        )
        return Response(UnreadCountSerializer({"unread_count": unread_count}).data)
