from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from comments import selectors, services
from comments.models import Comment
from comments.permissions import CommentPermission
from comments.serializers import CommentSerializer, CommentWriteSerializer
from core.filters import BIGINT_MAX
from core.throttling import CommentRateThrottle
from lists.selectors import list_to_act_on, list_visible
from reviews.selectors import review_visible


def _body(request: Request) -> str:
    serializer = CommentWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["body"]


class _CommentThrottled:
    def get_throttles(self) -> list:
        return [*super().get_throttles(), CommentRateThrottle()]  # type: ignore[misc]


class _CommentsOn(_CommentThrottled, generics.ListCreateAPIView):
    """Comments on one review or list, oldest first; POST adds yours (plain text, 1 to 2,000 characters)."""

    serializer_class = CommentSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends: list = []

    def commented_on(self) -> dict[str, Any]:
        """``{"review": ...}`` or ``{"film_list": ...}``: what the comments are on, if the caller may see it."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no object
            return Comment.objects.none()
        return selectors.comments_listed(self.request.user, **self.commented_on())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        on = self.commented_on()
        user = request.user
        assert isinstance(user, User)  # IsAuthenticatedOrReadOnly
        comment = services.comment_create(author=user, body=_body(request), **on)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


def _checked_id(value: Any) -> int:
    number = int(value)
    if not 0 < number <= BIGINT_MAX:
        raise Http404("Not found.")
    return number


COLLECTION_SCHEMA = {
    "get": extend_schema(tags=["comments"]),
    "post": extend_schema(tags=["comments"], request=CommentWriteSerializer, responses={201: CommentSerializer}),
}


@extend_schema_view(**COLLECTION_SCHEMA)
class ReviewCommentsView(_CommentsOn):
    """Comments on a review, oldest first. A hidden review's are a 404 to everyone but its author and admins."""

    def commented_on(self) -> dict[str, Any]:
        return {"review": review_visible(_checked_id(self.kwargs["review_id"]), self.request.user)}


@extend_schema_view(**COLLECTION_SCHEMA)
class ListCommentsView(_CommentsOn):
    """Comments on a list, oldest first. A private list's are a 404 to everyone but its owner; a list of a member on
    the other side of a block is a 404 to read and a 403 "blocked" to comment on, as with its likes."""

    def commented_on(self) -> dict[str, Any]:
        list_id = _checked_id(self.kwargs["list_id"])
        if self.request.method == "POST":
            return {"film_list": list_to_act_on(list_id, self.request.user)}
        return {"film_list": list_visible(list_id, self.request.user)}


@extend_schema_view(
    get=extend_schema(tags=["comments"]),
    patch=extend_schema(tags=["comments"], request=CommentWriteSerializer, responses=CommentSerializer),
    delete=extend_schema(tags=["comments"]),
)
class CommentDetailView(_CommentThrottled, generics.RetrieveUpdateDestroyAPIView):
    """One comment. Its author edits it (PATCH ``body``); its author, the owner of the review or list and admins
    delete it."""

    serializer_class = CommentSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CommentPermission]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> Comment:
        comment = selectors.comment_visible(int(self.kwargs["pk"]), self.request.user)
        self.check_object_permissions(self.request, comment)
        return comment

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = services.comment_update(comment=self.get_object(), body=_body(request))
        return Response(CommentSerializer(comment).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.comment_delete(comment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
