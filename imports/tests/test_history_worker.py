"""A history import on a real Celery worker whose process is killed mid-import: the job runs again and ends with
every row imported once."""

import json

import pytest
from django.db import connection

from activity.models import DiaryEntry
from imports import tasks
from imports.history import services
from imports.history.upload import open_upload
from imports.models import ImportJob
from tests.celery_worker import running_worker, shared_database_url, wait_until, worker_redis_url_or_skip
from tests.factories import UserFactory
from tests.fake_tmdb import DEFAULT_TOKEN, FakeTmdb, run_fake_tmdb

from .tmdb_fixtures import numbered_movies

WORKER_REDIS_DB = 14
FILMS = 30
CHUNK = 5


def trakt_history(count: int) -> bytes:
    """A Trakt watched-history export: one play of each of ``count`` films that only TMDB knows."""
    return json.dumps(
        [
            {
                "id": 9000 + n,
                "watched_at": f"2024-01-{1 + n % 28:02d}T20:00:00.000Z",
                "action": "watch",
                "type": "movie",
                "movie": {"title": f"Movie {n}", "year": 1950 + n % 70, "ids": {"trakt": 500 + n, "tmdb": n}},
            }
            for n in range(1, count + 1)
        ]
    ).encode()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a database it shares with the test")
def test_a_worker_killed_mid_import_hands_the_job_on_and_nothing_is_imported_twice():
    redis_url = worker_redis_url_or_skip(WORKER_REDIS_DB)
    member = UserFactory()
    data = trakt_history(FILMS)
    job = services.import_job_create(
        user=member, upload=open_upload(data, "watched-history.json"), data=data, file_name="watched-history.json",
        overwrite_ratings=False,
    )  # fmt: skip
    with run_fake_tmdb(FakeTmdb(numbered_movies(FILMS), latency=0.05)) as base_url:
        env = {
            "DATABASE_URL": shared_database_url(),
            "TMDB_API_BASE_URL": base_url,
            "TMDB_API_TOKEN": DEFAULT_TOKEN,
            "TMDB_RATE_LIMIT": "0",
            "TMDB_DOWNLOAD_POSTERS": "false",
            "HISTORY_IMPORT_CHUNK_ROWS": str(CHUNK),
        }
        pool = ["--pool", "prefork", "--concurrency", "1"]
        with running_worker(redis_url, prefix="flix-history-test", env=env, pool=pool) as worker:
            result = worker.send(tasks.run_history_import.name, job.pk)
            wait_until(lambda: ImportJob.objects.get(pk=job.pk).rows_done >= CHUNK)
            worker.kill_pool()
            assert ImportJob.objects.get(pk=job.pk).rows_done < FILMS, "the job ended before the kill"
            wait_until(lambda: ImportJob.objects.get(pk=job.pk).status != "running", seconds=120)
            del result

    ended = ImportJob.objects.get(pk=job.pk)
    assert (ended.status, ended.rows_done, ended.imported, ended.unmatched) == ("done", FILMS, FILMS, 0)
    assert DiaryEntry.objects.filter(user=member).count() == FILMS
    assert DiaryEntry.objects.filter(user=member).values("movie_id").distinct().count() == FILMS
