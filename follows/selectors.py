"""Follow and block reads, and the rule every interaction between two members obeys: no block between them."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from rest_framework.exceptions import PermissionDenied

from accounts.models import User
from follows.models import Block, Follow

Viewer = User | AnonymousUser


class Blocked(PermissionDenied):
    default_detail = "One of you has blocked the other: you cannot follow, comment on or like their content."
    default_code = "blocked"


def is_blocked_between(one_id: int | None, other_id: int | None) -> bool:
    """True when either member has blocked the other."""
    if one_id is None or other_id is None or one_id == other_id:
        return False
    pair = Q(blocker_id=one_id, blocked_id=other_id) | Q(blocker_id=other_id, blocked_id=one_id)
    return Block.objects.filter(pair).exists()


def ensure_not_blocked(actor: User, owner_id: int) -> None:
    """Raise Blocked (a 403 with code "blocked") when ``actor`` and the owner of what they act on are apart."""
    if is_blocked_between(actor.pk, owner_id):
        raise Blocked()


def without_blocked(queryset: QuerySet, viewer: Viewer, field: str = "user") -> QuerySet:
    """``queryset`` without the rows whose ``field`` (a user) blocked the viewer or was blocked by them.

    Two subqueries in the same statement: no extra round trip, and nothing to do for anonymous viewers.
    """
    if not viewer.is_authenticated:
        return queryset
    blocked = Block.objects.filter(blocker_id=viewer.pk).values("blocked_id")
    blockers = Block.objects.filter(blocked_id=viewer.pk).values("blocker_id")
    return queryset.exclude(**{f"{field}_id__in": blocked}).exclude(**{f"{field}_id__in": blockers})


def has_blocks(viewer: Viewer) -> bool:
    """True when ``viewer`` blocked someone or was blocked: then their lists differ from everyone else's."""
    if not viewer.is_authenticated:
        return False
    return Block.objects.filter(Q(blocker_id=viewer.pk) | Q(blocked_id=viewer.pk)).exists()


def followee_ids(user: User) -> QuerySet:
    """The ids of the members ``user`` follows, as a subquery."""
    return Follow.objects.filter(follower_id=user.pk).values("followee_id")


def followers_of(member: User, viewer: Viewer) -> QuerySet[Follow]:
    follows = Follow.objects.filter(followee=member, follower__is_active=True).select_related("follower")
    return without_blocked(follows, viewer, "follower")


def following_of(member: User, viewer: Viewer) -> QuerySet[Follow]:
    follows = Follow.objects.filter(follower=member, followee__is_active=True).select_related("followee")
    return without_blocked(follows, viewer, "followee")


def blocks_of(user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def follow_counts(member: User) -> dict[str, int]:
    return {
        "follower_count": Follow.objects.filter(followee=member).count(),
        "following_count": Follow.objects.filter(follower=member).count(),
    }


def with_follow_counts(users: QuerySet[User], viewer: Viewer) -> QuerySet[User]:
    """``users`` with follower_count, following_count and ``followed`` (the viewer follows them), in the same query."""

    def count(**mine: OuterRef) -> Coalesce:
        counted = Follow.objects.filter(**mine).order_by().values(next(iter(mine))).annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n")[:1]), 0)

    followed = Follow.objects.filter(follower_id=viewer.pk, followee=OuterRef("pk"))
    return users.annotate(
        follower_count=count(followee=OuterRef("pk")),
        following_count=count(follower=OuterRef("pk")),
        followed=Exists(followed) if viewer.is_authenticated else Value(False),
    )


def is_following(follower: Viewer, followee: User) -> bool:
    return follower.is_authenticated and Follow.objects.filter(follower_id=follower.pk, followee=followee).exists()
