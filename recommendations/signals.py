"""A movie created or edited anywhere (API, admin, TMDB import) gets its "similar movies" without a rebuild."""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from movies.models import Movie
from recommendations.tasks import place_movie

logger = logging.getLogger(__name__)

# Saves that touch none of these (e.g. a poster download, a TMDB sync timestamp) leave the neighbours alone.
CONTENT_FIELDS = frozenset({"title", "description", "keywords", "cast", "directors", "updated_at"})


@receiver(post_save, sender=Movie, dispatch_uid="recommendations.movie_neighbours")
def movie_saved(
    sender: type[Movie], instance: Movie, created: bool, raw: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if raw or (update_fields is not None and not CONTENT_FIELDS & set(update_fields)):
        return
    movie_id = instance.pk
    # After commit, so genres set in the same transaction count; in the background, so the save does not wait.
    transaction.on_commit(lambda: _enqueue(movie_id))


def _enqueue(movie_id: int) -> None:
    if place_movie.app.conf.task_always_eager:
        # In-process tasks: run it here. Celery's eager path flips a process-wide "inside a task" flag, which the
        # TMDB import's threads, each saving movies, would race on (and could leave set).
        place_movie(movie_id)
        return
    try:
        place_movie.delay(movie_id)
    except Exception:  # the broker is down: the movie is saved either way, and the next build places it
        logger.exception("could not queue placing movie %s among its neighbours", movie_id)
