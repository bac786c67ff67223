"""An account deleted anywhere (the API, the admin, a shell) takes its comments with it and leaves the comment
counts of the reviews and lists they were on exact."""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from accounts.models import User
from comments.services import user_comments_delete


@receiver(pre_delete, sender=User, dispatch_uid="comments.user_comments_delete")
def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    user_comments_delete(user=instance)
