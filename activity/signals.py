"""An account deleted anywhere takes its likes of films with it and leaves the films' like counts exact."""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from accounts.models import User
from activity.services import user_movie_likes_delete


@receiver(pre_delete, sender=User, dispatch_uid="activity.user_movie_likes_delete")
def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    user_movie_likes_delete(user=instance)
