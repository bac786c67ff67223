"""Import MovieLens 100k (GroupLens u.* files or the atomic .inter/.item/.user files). Safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.management.progress import command_progress
from imports.movielens.reader import MovieLensError
from imports.movielens.writer import DEFAULT_BATCH_SIZE, ImportResult, import_movielens

# Skipped rows listed one by one at verbosity 1; all of them at verbosity 2 or more.
SKIPPED_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Import the MovieLens 100k users, movies and ratings from PATH, in the GroupLens layout (u.data, "
        "u.item, u.user) or the atomic layout (<name>.inter, <name>.item, <name>.user; several complete sets "
        "are refused unless one is named after PATH). Users become ml_<id> without a usable password. Runs in "
        "one transaction; a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Directory holding the MovieLens files.")
        parser.add_argument(
            "--ratings",
            metavar="FILE",
            help="Ratings file to use instead of the layout's own (e.g. a train split such as u1.base).",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows per INSERT statement.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        progress = command_progress(self)
        try:
            result = import_movielens(
                options["path"], options["ratings"], progress=progress, batch_size=options["batch_size"]
            )
        except MovieLensError as error:
            raise CommandError(str(error)) from error
        self._report(result, options["verbosity"])

    def _report(self, result: ImportResult, verbosity: int) -> None:
        if verbosity < 1:
            return
        skipped = result.skipped_by_reason()
        self.stdout.write(
            self.style.SUCCESS(
                f"MovieLens import ({result.layout} layout): "
                f"users {result.users_created} created, {result.users_existing} already present; "
                f"movies {result.movies_created} created, {result.movies_existing} already present; "
                f"reviews {result.reviews_created} created, {result.reviews_existing} already present; "
                f"{len(result.skipped)} rows skipped."
            )
        )
        if not skipped:
            return
        self.stdout.write("Skipped: " + ", ".join(f"{count} {reason}" for reason, count in skipped.most_common()))
        shown = result.skipped if verbosity >= 2 else result.skipped[:SKIPPED_SHOWN]
        for row in shown:
            self.stdout.write(f"  {row}")
        if len(shown) < len(result.skipped):
            self.stdout.write(f"  ... and {len(result.skipped) - len(shown)} more (use -v 2 to list them all).")
