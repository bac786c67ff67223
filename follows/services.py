"""Follow and block writes. A block removes the follows both ways in the same transaction."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from accounts.models import User
from core.caching import catalogue_changed
from follows.models import Block, Follow
from follows.selectors import ensure_not_blocked


def follow_create(*, follower: User, followee: User) -> tuple[Follow, bool]:
    """Follow ``followee``: the follow, and False when it was already there."""
    if follower.pk == followee.pk:
        raise ValidationError({"username": ["You cannot follow yourself."]}, code="self_follow")
    with transaction.atomic():
        _lock_pair(follower, followee)
        ensure_not_blocked(follower, followee.pk)
        follow, created = _get_or_create(Follow, follower=follower, followee=followee)
        if created:
            catalogue_changed()  # cached profiles show follower counts
        return follow, created


def follow_delete(*, follower: User, followee: User) -> bool:
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        catalogue_changed()
    return bool(deleted)


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> tuple[Block, bool]:
    """Block ``blocked``: the follows between the two go, and neither can follow or interact with the other."""
    if blocker.pk == blocked.pk:
        raise ValidationError({"username": ["You cannot block yourself."]}, code="self_block")
    _lock_pair(blocker, blocked)
    block, created = _get_or_create(Block, blocker=blocker, blocked=blocked)
    pair = Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
    if Follow.objects.filter(pair).delete()[0]:
        catalogue_changed()
    return block, created


def block_delete(*, blocker: User, blocked: User) -> bool:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


def _get_or_create(model: type[Follow] | type[Block], **fields: Any) -> tuple[Any, bool]:
    # Two identical requests at once: the loser of the unique constraint reads the winner's row.
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**fields)
    except IntegrityError:
        return model.objects.get(**fields), False


def _lock_pair(one: User, other: User) -> None:
    # A follow and a block of the same two members run one after the other, so no follow outlives a block.
    list(User.objects.select_for_update(no_key=True).filter(pk__in=[one.pk, other.pk]).order_by("pk").values_list("pk"))
