"""Refresh every movie imported from TMDB."""

from typing import Any

from django.core.management.base import CommandError

from imports.management.tmdb_command import TmdbCommand
from imports.tmdb.batch import SyncInProgress, movies_sync


class Command(TmdbCommand):
    help = (
        "Refresh every movie that has a tmdb_id from TMDB; only what changed is written. Needs TMDB_API_TOKEN "
        "or TMDB_API_KEY. Celery beat runs the same nightly (imports.tasks.sync_tmdb_movies); the two never overlap."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = self.workers(options)
        with self.tmdb_client() as client, self.progress("TMDB sync") as progress:
            try:
                report = movies_sync(client=client, workers=workers, progress=progress)
            except SyncInProgress as exc:
                raise CommandError(f"{exc} (the nightly task or this command); try again later.") from exc
        self.report(report, options["verbosity"])
