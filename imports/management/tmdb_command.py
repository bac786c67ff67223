"""What the TMDB import commands share: the client, --workers, the progress bar and the summary."""

import argparse
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from imports.management.progress import command_progress
from imports.tmdb import catalogue
from imports.tmdb.batch import BatchReport
from imports.tmdb.client import TmdbClient
from imports.tmdb.errors import TmdbNotConfigured

MAX_WORKERS = 32
# Failures listed one by one at verbosity 1; all of them at verbosity 2 or more.
FAILURES_SHOWN = 20


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return number


class TmdbCommand(BaseCommand):
    default_workers = 8

    def execute(self, *args: Any, **options: Any) -> str | None:
        # httpx logs every request at INFO: thousands of lines in a batch. Shown with -v 2 only.
        httpx_logger = logging.getLogger("httpx")
        level = httpx_logger.level
        if options.get("verbosity", 1) < 2:
            httpx_logger.setLevel(logging.WARNING)
        try:
            return super().execute(*args, **options)
        finally:
            httpx_logger.setLevel(level)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=positive_int,
            default=self.default_workers,
            help=f"Threads importing at once (1-{MAX_WORKERS}, default {self.default_workers}); they share the "
            "client's TMDB_RATE_LIMIT, so more only helps while TMDB's latency, not the limit, is the bottleneck.",
        )

    def tmdb_client(self) -> TmdbClient:
        try:
            return catalogue.make_client()
        except TmdbNotConfigured as exc:
            raise CommandError(str(exc)) from exc

    def workers(self, options: dict[str, Any]) -> int:
        if options["workers"] > MAX_WORKERS:
            raise CommandError(f"--workers must be between 1 and {MAX_WORKERS}.")
        return options["workers"]

    def progress(self, description: str) -> tqdm:
        return command_progress(self)(total=0, desc=description, unit="movie")

    def report(self, report: BatchReport, verbosity: int) -> None:
        """Print the summary; raise CommandError (exit status 1) when anything failed."""
        if verbosity >= 1:
            summary = (
                f"TMDB: {len(report.created)} imported, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.failed)} failed"
            )
            if report.skipped:
                summary += f", {report.skipped} not attempted"
            style = self.style.SUCCESS if not report.failed else self.style.WARNING
            self.stdout.write(style(summary + "."))
            self._list("Failed:", report.failed, verbosity)
            posters = [(f"movie {tmdb_id}", error) for tmdb_id, error in report.poster_failures]
            self._list("Posters not downloaded:", posters, verbosity)
        if report.aborted:
            raise CommandError(f"Stopped early: {report.aborted}.")
        if report.failed:
            raise CommandError(f"{len(report.failed)} of {report.attempted} failed (listed above).")

    def _list(self, title: str, rows: list[tuple[str, str]], verbosity: int) -> None:
        if not rows:
            return
        self.stdout.write(title)
        shown = rows if verbosity >= 2 else rows[:FAILURES_SHOWN]
        for what, error in shown:
            self.stdout.write(f"  {what}: {error}")
        if len(shown) < len(rows):
            self.stdout.write(f"  ... and {len(rows) - len(shown)} more (use -v 2 to list them all).")
