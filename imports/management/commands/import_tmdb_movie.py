"""Import (or refresh) movies from TMDB by id."""

from typing import Any

from django.core.management.base import CommandParser

from imports.management.tmdb_command import TmdbCommand, positive_int
from imports.tmdb.batch import import_movies


class Command(TmdbCommand):
    help = (
        "Import the movies with these TMDB ids, or refresh them when already imported: details, genres, keywords, "
        "top-billed cast and directors (and the poster when TMDB_DOWNLOAD_POSTERS is on). Needs TMDB_API_TOKEN or "
        "TMDB_API_KEY. Safe to run again: a movie that has not changed on TMDB is not written."
    )
    default_workers = 1

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tmdb_ids", nargs="+", type=positive_int, metavar="ID", help="TMDB movie ids.")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        workers = self.workers(options)
        with self.tmdb_client() as client, self.progress("TMDB movies") as progress:
            report = import_movies(options["tmdb_ids"], client=client, workers=workers, progress=progress)
        self.report(report, options["verbosity"])
