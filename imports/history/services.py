"""History import jobs: create one from an upload, run it a chunk at a time, cancel it.

A job runs in the background (imports.tasks.run_history_import). Each chunk of rows is matched to films first
(TMDB lookups happen outside any transaction), then written together with the job's counts and checkpoint in one
transaction that holds the job's row: a job run again after a crash carries on after its last committed chunk, a
second runner of the same job finds the checkpoint moved and stops, and a cancelled job stops at the next chunk.
"""

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from accounts.models import User
from imports.history.matching import Candidate, Match, Matcher
from imports.history.rows import HistoryRow, Source
from imports.history.upload import Upload, UploadRefused, open_upload
from imports.history.writer import MatchedRow, Merge, Outcome
from imports.models import ImportJob, UnmatchedRow
from imports.tmdb import catalogue
from imports.tmdb.client import TmdbClient
from imports.tmdb.errors import TmdbNotConfigured

logger = logging.getLogger(__name__)

Progress = Callable[[ImportJob], None]


class ImportAlreadyRunning(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "An import of yours is still running: wait for it to finish, or cancel it."
    default_code = "import_running"


def import_job_create(*, user: User, upload: Upload, data: bytes, file_name: str, overwrite_ratings: bool) -> ImportJob:
    """A queued job for an upload that ``open_upload`` accepted. One active job per member (409 otherwise)."""
    try:
        with transaction.atomic():
            return ImportJob.objects.create(
                user=user,
                source=upload.source,
                file_name=file_name[:255],
                data=data,
                overwrite_ratings=overwrite_ratings,
                rows=upload.total_rows,
            )
    except IntegrityError:
        if ImportJob.objects.filter(user=user, status__in=ImportJob.ACTIVE).exists():
            raise ImportAlreadyRunning() from None
        raise


def import_job_cancel(*, job: ImportJob) -> bool:
    """Stop an active job at its next chunk (what it imported stays); False when it had already ended."""
    cancelled = ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.ACTIVE).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now(), data=b""
    )
    job.refresh_from_db()
    return bool(cancelled)


def import_job_delete(*, job: ImportJob) -> None:
    """Cancel the job when it is active, else forget it (its unmatched rows go with it; imported facts stay)."""
    if not import_job_cancel(job=job):
        job.delete()


def import_job_run(job_id: int, *, client: TmdbClient | None = None, progress: Progress | None = None) -> ImportJob:
    """Run (or resume) the job to its end. Returns it as it ended: done, failed, cancelled, or still running when
    another runner has taken over."""
    job = _claim(job_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    try:
        upload = open_upload(bytes(job.data), job.file_name, Source(job.source))
        with _tmdb_client(client) as tmdb:
            job = _run_chunks(job, upload, Matcher(Source(job.source), client=tmdb), progress)
    except UploadRefused as exc:
        return import_job_fail(job=job, message=exc.message)
    except Exception as exc:
        # Recorded rather than raised: the member sees why on the job; the log has the traceback.
        logger.exception("history import %s failed", job_id)
        return import_job_fail(
            job=job,
            message=f"The import stopped on an unexpected error ({type(exc).__name__}); what came before it is kept.",
        )
    return job


def _claim(job_id: int) -> ImportJob | None:
    """Mark the job running; None when it has ended (done, failed or cancelled) or does not exist."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status__in=ImportJob.ACTIVE).first()
        if job is None:
            return None
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
        return job


@contextlib.contextmanager
def _tmdb_client(given: TmdbClient | None) -> Iterator[TmdbClient | None]:
    """The given client, or one from settings (closed afterwards), or None when TMDB is not configured."""
    if given is not None:
        yield given
        return
    try:
        made = catalogue.make_client()
    except TmdbNotConfigured:
        yield None
        return
    with made:
        yield made


def _run_chunks(job: ImportJob, upload: Upload, matcher: Matcher, progress: Progress | None) -> ImportJob:
    for chunk in _chunks(upload.rows(start=job.rows_done), settings.HISTORY_IMPORT_CHUNK_ROWS):
        matches = iter(matcher.match([row.film for row in chunk if not row.skip_reason]))
        paired = [(row, None if row.skip_reason else next(matches)) for row in chunk]
        advanced = _write_chunk(job, paired)
        if advanced is None:
            return ImportJob.objects.get(pk=job.pk)
        job = advanced
        if progress is not None:
            progress(job)
    return _finish(job)


def _chunks(rows: Iterable[HistoryRow], size: int) -> Iterator[list[HistoryRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _write_chunk(job: ImportJob, paired: list[tuple[HistoryRow, Match | None]]) -> ImportJob | None:
    """Write one chunk with the job's counts and checkpoint; None when the job was cancelled or another runner has
    moved its checkpoint (nothing is written then)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportJob.Status.RUNNING or locked.rows_done != job.rows_done:
            return None
        matched = [MatchedRow(row, match.movie_id) for row, match in paired if match and match.movie_id is not None]
        merge = Merge(
            user=locked.user,
            overwrite_ratings=locked.overwrite_ratings,
            explicit_marks=locked.source == Source.FLIXREVIEW,
        )
        outcome = merge.write(matched)
        unmatched = [(row, match) for row, match in paired if match is not None and match.movie_id is None]
        skipped = [(row, row.skip_reason) for row, match in paired if match is None] + outcome.skipped
        UnmatchedRow.objects.bulk_create(
            [_unmatched_row(locked, row, match.reason, "unmatched", match.candidates) for row, match in unmatched]
            + [_unmatched_row(locked, row, reason, "skipped") for row, reason in skipped]
        )
        _count(locked, len(paired), len(matched), outcome, len(unmatched), len(skipped))
        return locked


def _unmatched_row(
    job: ImportJob, row: HistoryRow, reason: str, status: str, candidates: Iterable[Candidate] = ()
) -> UnmatchedRow:
    film = row.film
    return UnmatchedRow(
        job=job,
        file=row.file[:255],
        line=row.line,
        fact=row.fact.value,
        status=status,
        title=film.title[:500],
        year=film.year if film.year and film.year > 0 else None,
        key=(film.key or film.imdb_id or (str(film.tmdb_id) if film.tmdb_id else ""))[:255],
        reason=(reason or "no match")[:255],
        candidates=[_candidate(candidate) for candidate in candidates],
    )


def _candidate(candidate: Candidate) -> dict:
    return {
        "title": candidate.title,
        "year": candidate.year,
        "tmdb_id": candidate.tmdb_id,
        "movie_id": candidate.movie_id,
    }


def _count(job: ImportJob, rows: int, matched: int, outcome: Outcome, unmatched: int, skipped: int) -> None:
    job.rows_done += rows
    # A matched row skipped while writing (e.g. a review without a rating) counts as skipped, not as matched.
    job.matched += matched - len(outcome.skipped)
    job.imported += outcome.imported
    job.already_present += outcome.already_present
    job.unmatched += unmatched
    job.skipped += skipped
    job.save(update_fields=["rows_done", "matched", "imported", "already_present", "unmatched", "skipped"])


def _finish(job: ImportJob) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), data=b""
    )
    job.refresh_from_db()
    return job


def import_job_fail(*, job: ImportJob, message: str) -> ImportJob:
    """End an active job as failed with ``message`` (what it imported so far stays)."""
    ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.ACTIVE).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(), error=message, data=b""
    )
    job.refresh_from_db()
    return job
