"""A film deleted anywhere (the admin, a shell) leaves every list that held it without a gap, and an account
deleted anywhere takes its likes of lists with it, leaving the lists' like counts exact."""

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from accounts.models import User
from lists.services import movie_leaving_lists, user_list_likes_delete
from movies.models import Movie


@receiver(pre_delete, sender=Movie, dispatch_uid="lists.movie_leaving_lists")
def movie_deleting(sender: type[Movie], instance: Movie, **kwargs: Any) -> None:
    movie_leaving_lists(movie_id=instance.pk)


@receiver(pre_delete, sender=User, dispatch_uid="lists.user_list_likes_delete")
def user_deleting(sender: type[User], instance: User, **kwargs: Any) -> None:
    user_list_likes_delete(user=instance)
