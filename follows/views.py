"""Following and blocking members: PUT to start (201, then 200 when already so), DELETE to stop (204)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import member
from accounts.selectors import active_member
from core.throttling import SocialWriteRateThrottle
from follows import selectors, services
from follows.models import Block, Follow
from follows.serializers import (
    BlockSerializer,
    BlockStateSerializer,
    FollowerSerializer,
    FollowingSerializer,
    FollowStateSerializer,
)

TAGS = ["follows"]


def _created_or_ok(created: bool) -> int:
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK


class FollowView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get_throttles(self) -> list:
        return [*super().get_throttles(), SocialWriteRateThrottle()]

    @extend_schema(tags=TAGS, request=None, responses={200: FollowStateSerializer, 201: FollowStateSerializer})
    def put(self, request: Request, username: str) -> Response:
        """Follow the member. Following yourself is a 400; a block between you is a 403 (code "blocked")."""
        someone = active_member(username)
        _, created = services.follow_create(follower=member(request), followee=someone)
        body = {"username": someone.username, "follower_count": selectors.follow_counts(someone)["follower_count"]}
        return Response(FollowStateSerializer(body).data, status=_created_or_ok(created))

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, username: str) -> Response:
        """Stop following the member (204 also when you did not follow them)."""
        services.follow_delete(follower=member(request), followee=active_member(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlockView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=TAGS, request=None, responses={200: BlockStateSerializer, 201: BlockStateSerializer})
    def put(self, request: Request, username: str) -> Response:
        """Block the member: follows between you end, and neither can follow, comment on or like the other's
        content; each stops seeing the other's reviews, comments and lists."""
        someone = active_member(username)
        _, created = services.block_create(blocker=member(request), blocked=someone)
        return Response(BlockStateSerializer({"username": someone.username}).data, status=_created_or_ok(created))

    @extend_schema(tags=TAGS, responses={204: None})
    def delete(self, request: Request, username: str) -> Response:
        """Unblock the member (204 also when they were not blocked). Follows that the block ended do not return."""
        services.block_delete(blocker=member(request), blocked=active_member(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class FollowersView(generics.ListAPIView):
    """Who follows the member, newest first (members on the other side of a block with you are left out)."""

    serializer_class = FollowerSerializer
    queryset = Follow.objects.none()  # for the schema; the rows come from get_queryset

    def get_queryset(self):
        return selectors.followers_of(active_member(self.kwargs["username"]), self.request.user)


@extend_schema(tags=TAGS)
class FollowingView(generics.ListAPIView):
    """Whom the member follows, newest first (members on the other side of a block with you are left out)."""

    serializer_class = FollowingSerializer
    queryset = Follow.objects.none()  # for the schema; the rows come from get_queryset

    def get_queryset(self):
        return selectors.following_of(active_member(self.kwargs["username"]), self.request.user)


@extend_schema(tags=TAGS)
class BlockedView(generics.ListAPIView):
    """The members you blocked, newest first."""

    serializer_class = BlockSerializer
    queryset = Block.objects.none()  # for the schema; the rows come from get_queryset
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.blocks_of(member(self.request))
