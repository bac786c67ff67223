import logging

from celery import shared_task

from recommendations import services

logger = logging.getLogger(__name__)


@shared_task(name="recommendations.tasks.build_recommendations", ignore_result=True)
def build_recommendations() -> None:
    """Nightly rebuild (beat). Skipped, not queued again, while another build holds the lock."""
    try:
        result = services.recommendations_build()
    except services.BuildInProgress:
        logger.info("recommendations build skipped: another build is running")
        return
    logger.info("recommendations model %s is now served", result.version.pk)


@shared_task(name="recommendations.tasks.place_movie", ignore_result=True)
def place_movie(movie_id: int) -> None:
    """Give a new or edited movie its neighbours without a rebuild."""
    try:
        services.movie_neighbours_refresh(movie_id)
    except Exception:  # the movie is saved either way; the next build places it
        logger.exception("could not place movie %s among its neighbours", movie_id)
