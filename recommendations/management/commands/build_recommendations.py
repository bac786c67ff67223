"""Rebuild the recommender (content neighbours and collaborative model) and serve the new version."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from recommendations import services


class Command(BaseCommand):
    help = (
        "Rebuild every movie's content neighbours and the collaborative model from the current catalogue and "
        "reviews, write them as a new version and switch to it. Refuses to run while another build holds the lock."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-activate", action="store_true", help="Build and store the version, but keep serving the current one."
        )
        parser.add_argument("--blas-threads", type=int, help="Threads for the matrix inversion (default: all cores).")
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Build only when the served model is out of date: none served yet, its file gone, or movies, "
            "reviews or other activity changed since it was built (make run uses it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_stale"]:
            reason = services.stale_reason()
            if reason is None:
                if options["verbosity"] >= 1:
                    self.stdout.write("The served model is up to date: nothing to build.")
                return
            if options["verbosity"] >= 1:
                self.stdout.write(f"Building the recommender: {reason}.")
        try:
            with threadpool_limits(limits=options["blas_threads"]):
                result = services.recommendations_build(activate=not options["no_activate"])
        except services.BuildInProgress as error:
            raise CommandError(f"{error}; try again when it has finished.") from error
        version, stats = result.version, result.stats
        if options["verbosity"] >= 1:
            state = "built" if options["no_activate"] else "built and now served"
            self.stdout.write(
                f"Model {version.pk} {state}: {stats.movies:,} movies ({stats.reviewed_movies:,} reviewed), "
                f"{stats.users:,} users, {stats.reviews:,} reviews; collaborative model {version.collaborative}; "
                f"{version.build_seconds:.2f} s"
            )
        if options["verbosity"] >= 2:
            for step, seconds in stats.seconds.items():
                self.stdout.write(f"  {step}: {seconds:.2f} s")
