"""The nightly build on a real Celery worker whose process is killed mid-build: the message goes back to the queue, the
run that gets it waits for the dead build's lease to expire, builds, and nothing the killed build wrote survives."""

from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from recommendations import services, tasks
from recommendations.models import ModelVersion, RecommenderState, SimilarMovie
from recommendations.tests.serving_helpers import make_world
from tests.celery_worker import running_worker, shared_database_url, worker_redis_url_or_skip

WORKER_REDIS_DB = 14  # a database of its own: the suite flushes the cache database
NEIGHBOURS_TABLE = SimilarMovie._meta.db_table
STATE_TABLE = RecommenderState._meta.db_table
# What is left of the killed build's lease when the handed-back run looks at it.
LEASE_LEFT = timedelta(seconds=2)


def blocked_by(session: psycopg.Connection) -> set[int]:
    """The server pids of the sessions waiting for a lock ``session`` holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [session.info.backend_pid]
        )
        return {pid for (pid,) in cursor.fetchall()}


def session_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] > 0


def served_version_id() -> int | None:
    return RecommenderState.objects.get().active_version_id


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a database it shares with the test")
def test_a_build_killed_mid_way_runs_again_after_its_lease_and_leaves_one_new_version(settings):
    redis_url = worker_redis_url_or_skip(WORKER_REDIS_DB)
    make_world()
    first = services.recommendations_build().version
    env = {"DATABASE_URL": shared_database_url(), "RECOMMENDER_MODEL_DIR": str(settings.RECOMMENDER_MODEL_DIR)}
    pool = ["--pool", "prefork", "--concurrency", "1"]
    # A session of the test's own holds locks that stop the builds at chosen points.
    with (
        running_worker(redis_url, prefix="flix-build-test", env=env, pool=pool) as worker,
        psycopg.connect(shared_database_url()) as blocker,
    ):
        blocker.execute(f"LOCK TABLE {NEIGHBOURS_TABLE} IN EXCLUSIVE MODE")
        worker.send(tasks.build_recommendations.name)
        # The build has taken the lease, written its file and version row, and waits to write the neighbours.
        worker.wait_until(lambda: blocked_by(blocker))
        (dying_build,) = blocked_by(blocker)
        killed = ModelVersion.objects.exclude(pk=first.pk).get()
        blocker.execute(f"LOCK TABLE {STATE_TABLE} IN EXCLUSIVE MODE")
        worker.kill_pool()
        # The message came back, and the run that got it waits to look at the lease.
        worker.wait_until(lambda: blocked_by(blocker) - {dying_build})
        # As if the build had died near the end of its lease (an hour by default); then every lock goes.
        blocker.execute(f"UPDATE {STATE_TABLE} SET build_lock_expires_at = clock_timestamp() + %s", [LEASE_LEFT])
        blocker.commit()
        lease_end = RecommenderState.objects.get().build_lock_expires_at

        worker.wait_until(lambda: "recommendations build waits" in worker.log())
        # The dead build's session gets the table, finds its client gone and ends, rolling back its neighbour rows.
        worker.wait_until(lambda: not session_alive(dying_build))
        worker.wait_until(lambda: served_version_id() not in (first.pk, killed.pk))
        worker.wait_until(lambda: RecommenderState.objects.get().build_lock_token == "")

    new = ModelVersion.objects.get(pk=served_version_id())
    assert new.created_at > lease_end  # the handed-back run left the dead build's lease alone until it expired
    assert set(ModelVersion.objects.values_list("pk", flat=True)) == {first.pk, new.pk}
    files = {path.name for path in Path(settings.RECOMMENDER_MODEL_DIR).iterdir()}
    assert files == {first.artefact, new.artefact}
    assert not SimilarMovie.objects.filter(version_id=killed.pk).exists()
    assert SimilarMovie.objects.filter(version=new).count() == SimilarMovie.objects.filter(version=first).count() > 0
