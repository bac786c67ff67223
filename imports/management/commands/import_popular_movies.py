"""Import the movies on TMDB's popular or top-rated list."""

from typing import Any

from django.core.management.base import CommandParser

from imports.management.tmdb_command import TmdbCommand, positive_int
from imports.tmdb.batch import LISTS, import_movie_list
from imports.tmdb.client import MAX_PAGE


class Command(TmdbCommand):
    help = (
        "Walk pages 1..N of TMDB's popular (or top-rated) list, 20 movies a page, and import each movie once "
        "(refreshing those already imported). Runs --workers threads that share the TMDB_RATE_LIMIT. Needs "
        "TMDB_API_TOKEN or TMDB_API_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pages", type=positive_int, default=1, help=f"List pages to walk (1-{MAX_PAGE}; TMDB has no more)."
        )
        parser.add_argument("--list", choices=LISTS, default="popular", dest="list_name")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        workers = self.workers(options)
        pages = options["pages"]
        if pages > MAX_PAGE:
            self.stderr.write(f"TMDB serves at most {MAX_PAGE} pages of a list; walking {MAX_PAGE}.")
            pages = MAX_PAGE
        with self.tmdb_client() as client, self.progress(f"TMDB {options['list_name']}") as progress:
            report = import_movie_list(
                client, list_name=options["list_name"], pages=pages, workers=workers, progress=progress
            )
        self.report(report, options["verbosity"])
