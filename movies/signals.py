"""A movie or genre written anywhere (the API, the admin, an import, a shell) starts a new cache generation:
cached reads and recommendation lists embed movies and genres, and a deleted movie must not stay listed (nor a
new one missing) until the cache expires. Bulk writes, which send no signals, call catalogue_changed() themselves.
"""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.caching import catalogue_changed
from movies.models import Genre, Movie


@receiver(post_save, sender=Movie, dispatch_uid="movies.movie_saved")
@receiver(post_delete, sender=Movie, dispatch_uid="movies.movie_deleted")
@receiver(post_save, sender=Genre, dispatch_uid="movies.genre_saved")
@receiver(post_delete, sender=Genre, dispatch_uid="movies.genre_deleted")
def catalogue_written(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures being loaded
        catalogue_changed()


@receiver(m2m_changed, sender=Movie.genres.through, dispatch_uid="movies.movie_genres_changed")
def movie_genres_written(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        catalogue_changed()
