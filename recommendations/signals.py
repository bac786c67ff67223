"""A movie created or edited anywhere (API, admin, TMDB import) gets its "similar movies" without a rebuild."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from movies.models import Movie
from recommendations.services import movie_neighbours_refresh

logger = logging.getLogger(__name__)

# Saves that touch none of these (e.g. a poster download, a TMDB sync timestamp) leave the neighbours alone.
CONTENT_FIELDS = frozenset({"title", "description", "keywords", "cast", "directors", "updated_at"})


@receiver(post_save, sender=Movie, dispatch_uid="recommendations.movie_neighbours")
def movie_saved(sender, instance: Movie, created: bool, raw: bool, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not CONTENT_FIELDS & set(update_fields)):
        return
    movie_id = instance.pk
    # After commit, so genres set in the same transaction count. Called in place, not as a Celery task: eager
    # tasks started from the TMDB importer's threads would race on Celery's process-wide "inside a task" flag.
    transaction.on_commit(lambda: _refresh(movie_id))


def _refresh(movie_id: int) -> None:
    try:
        movie_neighbours_refresh(movie_id)
    except Exception:  # the movie is saved either way; the next build places it
        logger.exception("could not place movie %s among its neighbours", movie_id)
