"""Reads of history imports: a member's jobs, and a job's rows to fix by hand as a CSV."""

from django.db.models import QuerySet

from accounts.models import User
from core.spreadsheet import csv_bytes
from imports.models import ImportJob, UnmatchedRow

UNMATCHED_HEADER = ("file", "line", "what", "status", "title", "year", "key", "reason", "candidates")


def import_jobs_of(user: User) -> QuerySet[ImportJob]:
    """The member's jobs, newest first, without the uploads themselves."""
    return ImportJob.objects.filter(user=user).defer("data").order_by("-created_at", "-id")


def unmatched_csv(job: ImportJob) -> bytes:
    """The job's unmatched and skipped rows, with reasons and candidate films; every cell safe in a spreadsheet."""
    rows = (
        (
            row.file,
            row.line,
            row.fact,
            row.status,
            row.title,
            row.year or "",
            row.key,
            row.reason,
            "; ".join(_candidate_text(candidate) for candidate in row.candidates),
        )
        for row in UnmatchedRow.objects.filter(job=job).order_by("id").iterator(chunk_size=2000)
    )
    return csv_bytes(UNMATCHED_HEADER, rows)


def _candidate_text(candidate: dict) -> str:
    year = f" ({candidate['year']})" if candidate.get("year") else ""
    tmdb = f" tmdb:{candidate['tmdb_id']}" if candidate.get("tmdb_id") else ""
    return f"{candidate.get('title', '')}{year}{tmdb}"
