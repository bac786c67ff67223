"""Refresh every movie imported from TMDB."""

from django.core.management.base import CommandError

from movies import tmdb_import
from movies.management.tmdb_command import TmdbCommand


class Command(TmdbCommand):
    help = (
        "Refresh every movie that has a tmdb_id from TMDB; only what changed is written. Needs TMDB_API_TOKEN "
        "or TMDB_API_KEY. Celery beat runs the same nightly (movies.tasks.sync_tmdb_movies); the two never overlap."
    )

    def handle(self, *args, **options):
        workers = self.workers(options)
        with self.tmdb_client() as client, self.progress("TMDB sync") as progress:
            try:
                report = tmdb_import.movies_sync(client=client, workers=workers, progress=progress)
            except tmdb_import.SyncInProgress as exc:
                raise CommandError(f"{exc} (the nightly task or this command); try again later.") from exc
        self.report(report, options["verbosity"])
