"""An account deleted anywhere (the API, the admin, a shell) takes its reviews with it and leaves the movies'
aggregates exact: the reviews go first, in the deletion's own transaction, through the same service as the API."""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from accounts.models import User
from reviews.services import user_reviews_delete


@receiver(pre_delete, sender=User, dispatch_uid="reviews.user_reviews_delete")
def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    user_reviews_delete(user=instance)
