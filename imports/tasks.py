"""Background work: import one TMDB movie (retried while TMDB is unavailable), the nightly sync of all, and
members' history imports."""

import logging
import random
import uuid
from typing import Any

from celery import Task, shared_task
from celery.exceptions import Retry
from django.db import transaction
from kombu.exceptions import OperationalError
from rest_framework import status
from rest_framework.exceptions import APIException

from imports.history import services as history
from imports.models import ImportJob
from imports.tmdb import batch, catalogue
from imports.tmdb.client import TmdbConfig
from imports.tmdb.errors import TmdbError, TmdbNotConfigured, TmdbUnavailable

logger = logging.getLogger(__name__)

IMPORT_MAX_RETRIES = 5
# The client has already retried a few times within seconds; the task waits longer: ~30 s, 1, 2, 4, 8 min.
IMPORT_RETRY_BASE_SECONDS = 30
IMPORT_RETRY_MAX_SECONDS = 15 * 60

# Below the sync lock's lifetime, so that a live run never outlasts its lock.
SYNC_TIME_LIMIT_SECONDS = batch.SYNC_LOCK_SECONDS - 10 * 60
SYNC_WORKERS = 4


def import_retry_countdown(retries: int, retry_after: float | None = None) -> float:
    """Seconds before retry number ``retries + 1``: exponential with jitter, at least TMDB's Retry-After."""
    ceiling = min(IMPORT_RETRY_MAX_SECONDS, IMPORT_RETRY_BASE_SECONDS * 2**retries)
    return max(retry_after or 0.0, ceiling / 2 + random.random() * ceiling / 2)


@shared_task(bind=True, name="imports.tasks.import_tmdb_movie", acks_late=True, max_retries=IMPORT_MAX_RETRIES)
def import_tmdb_movie(self: Task, tmdb_id: int) -> dict[str, Any]:
    """Import or refresh one movie. TMDB being unavailable is retried; other TMDB errors fail the task."""
    try:
        outcome = catalogue.import_movie(tmdb_id)
    except TmdbUnavailable as exc:
        raise self.retry(exc=exc, countdown=import_retry_countdown(self.request.retries, exc.retry_after)) from exc
    return {"tmdb_id": tmdb_id, "movie_id": outcome.movie.pk, "status": outcome.status}


def import_tmdb_movie_enqueue(tmdb_id: int) -> str:
    """Queue the import once the current transaction commits (at once outside one); returns the task id. Raises
    TmdbNotConfigured first, so that a caller hears about missing credentials now rather than from a failed task,
    and TaskQueueUnavailable (a 503) when the broker cannot take the task."""
    TmdbConfig.from_settings().require_credentials()
    task_id = str(uuid.uuid4())
    transaction.on_commit(lambda: _import_send(tmdb_id, task_id))
    return task_id


def _import_send(tmdb_id: int, task_id: str) -> None:
    try:
        import_tmdb_movie.apply_async(args=(tmdb_id,), task_id=task_id)
    except OperationalError as exc:
        # Not accepted, so not lost: the caller hears it now (a 503) instead of a task id nothing will run.
        logger.warning("could not queue the TMDB import of %s: %s", tmdb_id, exc)
        raise TaskQueueUnavailable() from exc
    except Retry as retry:
        # Without a broker the task runs right here (eagerly) and cannot wait to retry: raise TMDB's error.
        if isinstance(retry.exc, TmdbError):
            raise retry.exc from None
        raise


@shared_task(
    bind=True,
    name="imports.tasks.sync_tmdb_movies",
    acks_late=True,
    soft_time_limit=SYNC_TIME_LIMIT_SECONDS - 60,
    time_limit=SYNC_TIME_LIMIT_SECONDS,
)
def sync_tmdb_movies(self: Task, workers: int = SYNC_WORKERS) -> dict[str, Any]:
    """Refresh every movie with a tmdb_id, in this task (one client, so one rate limit). Scheduled nightly by beat.

    Of two overlapping runs only one gets the sync lock (see imports.tmdb.batch.sync_lock); the other returns at once.
    Without TMDB credentials there is nothing to do and the task says so.
    """
    try:
        client = catalogue.make_client()
    except TmdbNotConfigured:
        logger.info("TMDB sync skipped: TMDB_API_TOKEN / TMDB_API_KEY not set")
        return {"status": "skipped", "reason": "TMDB is not configured"}
    try:
        with client:
            report = batch.movies_sync(client=client, workers=workers)
    except batch.SyncInProgress:
        logger.info("TMDB sync skipped: another sync is running")
        return {"status": "skipped", "reason": "another sync is running"}
    summary = {
        "status": "aborted" if report.aborted else "done",
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
        "failed": len(report.failed),
    }
    if report.failed:
        logger.warning("TMDB sync: %s; first failures: %s", summary, report.failed[:5])
    else:
        logger.info("TMDB sync: %s", summary)
    return summary


class TaskQueueUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The task queue is unavailable, so the import could not start; try again later."
    default_code = "queue_unavailable"


@shared_task(
    bind=True,
    name="imports.tasks.run_history_import",
    acks_late=True,
    # A worker killed mid-import hands the job back to the queue; the job resumes after its last committed chunk.
    reject_on_worker_lost=True,
)
def run_history_import(self: Task, job_id: int) -> dict[str, Any]:
    job = history.import_job_run(job_id)
    return {"job_id": job.pk, "status": job.status, "rows_done": job.rows_done}


def history_import_enqueue(job: ImportJob) -> None:
    """Start the job (in this process on the embedded defaults). When the broker cannot take it the job is marked
    failed, so the member can upload again, and TaskQueueUnavailable (a 503) is raised."""
    try:
        run_history_import.apply_async(args=(job.pk,))
    except OperationalError as exc:
        logger.warning("could not queue history import %s: %s", job.pk, exc)
        history.import_job_fail(job=job, message=TaskQueueUnavailable.default_detail)
        raise TaskQueueUnavailable() from exc
