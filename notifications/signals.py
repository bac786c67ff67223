"""Notifications follow the writes of the apps below this one: a receiver of each model's post_save (created only)
makes them once the write's transaction has committed. Connected by NotificationsConfig.ready()."""

from collections.abc import Callable
from functools import partial, update_wrapper
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_save

from comments.models import Comment
from follows.models import Follow
from lists.models import ListLike
from notifications import services
from reviews.models import ReviewLike


def follow_saved(sender: type[Follow], instance: Follow, created: bool, **kwargs: Any) -> None:
    if _new(created, kwargs):
        _after_commit(
            partial(services.notify_follow, follower_id=instance.follower_id, followee_id=instance.followee_id), kwargs
        )


def review_like_saved(sender: type[ReviewLike], instance: ReviewLike, created: bool, **kwargs: Any) -> None:
    if _new(created, kwargs):
        _after_commit(
            partial(services.notify_review_like, user_id=instance.user_id, review_id=instance.review_id), kwargs
        )


def list_like_saved(sender: type[ListLike], instance: ListLike, created: bool, **kwargs: Any) -> None:
    if _new(created, kwargs):
        job = partial(services.notify_list_like, user_id=instance.user_id, film_list_id=instance.film_list_id)
        _after_commit(job, kwargs)


def comment_saved(sender: type[Comment], instance: Comment, created: bool, **kwargs: Any) -> None:
    if _new(created, kwargs):
        _after_commit(partial(services.notify_comment, comment_id=instance.pk), kwargs)


def connect_receivers() -> None:
    receivers: dict[type[Model], Callable[..., None]] = {
        Follow: follow_saved,
        ReviewLike: review_like_saved,
        ListLike: list_like_saved,
        Comment: comment_saved,
    }
    for model, receiver in receivers.items():
        post_save.connect(receiver, sender=model, dispatch_uid=f"notifications.{receiver.__name__}")


def _new(created: bool, kwargs: dict[str, Any]) -> bool:
    # Not for rows loaded from fixtures (raw saves).
    return created and not kwargs.get("raw", False)


def _after_commit(job: partial, kwargs: dict[str, Any]) -> None:
    # Robust: a notification that cannot be made is logged and never fails the write that committed. Django names
    # the callback when it logs such a failure, and a partial has no name of its own: it is given its function's.
    def make_notification() -> None:
        job()

    transaction.on_commit(update_wrapper(make_notification, job.func), using=kwargs.get("using"), robust=True)
