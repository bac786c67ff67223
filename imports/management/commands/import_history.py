"""Import a member's film history from a Letterboxd, IMDb or Trakt export (or a FlixReview export)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.history import services
from imports.history.rows import Source
from imports.history.upload import MAX_UPLOAD_BYTES, UploadRefused, open_upload
from imports.management.progress import command_progress
from imports.models import ImportJob, UnmatchedRow

# Rows not imported, listed one by one at verbosity 1; all of them at verbosity 2 or more.
SHOWN = 10


class Command(BaseCommand):
    help = (
        "Import FILE into USER's history, as POST /api/imports/ does: a Letterboxd export (ZIP or CSV), an IMDb "
        "ratings, list or watchlist CSV, a Trakt export (ZIP or JSON) or a FlixReview export. What the member has "
        "stays; importing the same file again writes nothing. Runs here, not on a worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Username of the member the history belongs to.")
        parser.add_argument("--source", choices=[s.value for s in Source], help="Detected when absent.")
        parser.add_argument("--overwrite-ratings", action="store_true", help="Let the file's ratings win.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path}: larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
        data = path.read_bytes()
        try:
            upload = open_upload(data, path.name, Source(options["source"]) if options["source"] else None)
        except UploadRefused as exc:
            raise CommandError(exc.message) from exc
        job = services.import_job_create(
            user=user, upload=upload, data=data, file_name=path.name, overwrite_ratings=options["overwrite_ratings"]
        )
        with command_progress(self)(total=job.rows, unit="row", desc="import") as bar:
            job = services.import_job_run(job.pk, progress=lambda job: bar.update(job.rows_done - bar.n))
        self._report(job, options["verbosity"])
        if job.status != ImportJob.Status.DONE:
            raise CommandError(f"Import {job.pk} {job.status}: {job.error}")

    def _report(self, job: ImportJob, verbosity: int) -> None:
        if verbosity < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{job.source} import {job.pk} {job.status}: {job.rows_done} rows; {job.matched} matched, "
                f"{job.imported} imported, {job.already_present} already present, {job.unmatched} unmatched, "
                f"{job.skipped} skipped."
            )
        )
        left_out = UnmatchedRow.objects.filter(job=job).order_by("id")
        shown = list(left_out if verbosity >= 2 else left_out[:SHOWN])
        for row in shown:
            year = f" ({row.year})" if row.year else ""
            self.stdout.write(f"  {row.file}:{row.line} {row.status}: {row.title}{year}: {row.reason}")
        hidden = job.unmatched + job.skipped - len(shown)
        if hidden > 0:
            self.stdout.write(f"  ... and {hidden} more (use -v 2, or GET /api/imports/{job.pk}/unmatched.csv).")
