import logging
from datetime import datetime

from celery import Task, shared_task
from django.utils import timezone

from core.caching import catalogue_changed
from movies.services import genre_stats_refresh
from recommendations import services
from recommendations.selectors import popular

logger = logging.getLogger(__name__)

# Times a handed-back build waits for the lock; each wait lasts until the lease it found expires. Each hand-back
# waits once (its killed build's lease is fresh), so this also ends a build that kills its worker every time (out of
# memory, say) instead of running it forever.
BUILD_LOCK_WAITS = 3
# Past the lease's expiry, so that the retry finds it expired.
LOCK_EXPIRY_MARGIN_SECONDS = 1.0


@shared_task(
    bind=True,
    name="recommendations.tasks.build_recommendations",
    ignore_result=True,
    acks_late=True,
    # A worker killed mid-build hands the message back to the queue, and the build runs again. What the killed build
    # wrote (its version row, neighbour rows and file) is never served, and is deleted once the new version is.
    reject_on_worker_lost=True,
    max_retries=BUILD_LOCK_WAITS,
)
def build_recommendations(self: Task) -> None:
    """Nightly rebuild (beat). A fresh run is skipped, not queued again, while another build holds the lock.

    A run handed back after its worker died waits for the lock instead: its own killed build still holds it, until
    the lease expires (RECOMMENDER_BUILD_LOCK_SECONDS).
    """
    try:
        result = services.recommendations_build()
    except services.BuildInProgress as exc:
        if not _is_handed_back(self):
            logger.info("recommendations build skipped: another build is running")
            return
        if self.request.retries >= BUILD_LOCK_WAITS:
            logger.warning(
                "recommendations build given up: the build lock is still held after %s waits", BUILD_LOCK_WAITS
            )
            return
        countdown = lock_wait_seconds(exc.expires_at)
        logger.info(
            "recommendations build waits %.0f s for the build lock, which a build that died may hold", countdown
        )
        raise self.retry(countdown=countdown) from exc
    logger.info("recommendations model %s is now served", result.version.pk)


@shared_task(name="recommendations.tasks.refresh_popular_figures", ignore_result=True, expires=60)
def refresh_popular_figures() -> None:
    """Rank the popular lists and count the genres' figures again (beat, every POPULAR_FIGURES_REFRESH_SECONDS), so
    that reads never wait for it."""
    for key in popular.KEPT_FRESH:
        popular.popular_list_refresh(key)
    genre_stats_refresh()
    # Cached pages and answers show the new figures from now on, not up to a cache lifetime later.
    catalogue_changed()


def _is_handed_back(task: Task) -> bool:
    """A message redelivered after its worker was lost, or a retry of one."""
    return task.request.retries > 0 or bool((task.request.delivery_info or {}).get("redelivered"))


def lock_wait_seconds(expires_at: datetime | None) -> float:
    """Seconds until a build lock held until ``expires_at`` can be taken over (a second when it is already free)."""
    if expires_at is None:
        return LOCK_EXPIRY_MARGIN_SECONDS
    return max((expires_at - timezone.now()).total_seconds(), 0.0) + LOCK_EXPIRY_MARGIN_SECONDS


@shared_task(name="recommendations.tasks.place_movie", ignore_result=True)
def place_movie(movie_id: int) -> None:
    """Give a new or edited movie its neighbours without a rebuild."""
    try:
        services.movie_neighbours_refresh(movie_id)
    except Exception:  # the movie is saved either way; the next build places it
        logger.exception("could not place movie %s among its neighbours", movie_id)
