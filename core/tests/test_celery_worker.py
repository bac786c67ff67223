"""Celery: the app, the tasks, the beat schedule, and a real worker process on Redis."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from config.celery import app
from core import tasks
from tests.celery_worker import running_worker, worker_redis_url_or_skip

# --- in-process (no broker configured: tasks run eagerly) -----------------------------------


def test_without_a_broker_tasks_run_in_process():
    assert settings.CELERY_BROKER_URL == ""
    assert app.conf.task_always_eager is True
    assert tasks.ping.delay().get(timeout=1) == "pong"


def test_beat_schedule_names_registered_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "beat has nothing to run"
    app.loader.import_default_modules()  # what a worker or beat does at start: every app's tasks module
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"
    flush = schedule["flush-expired-jwt-tokens"]["schedule"]
    # Nightly: one run a day.
    assert flush.hour == {3}
    assert flush.minute == {17}


def test_app_is_configured_from_django_settings():
    assert app.main == "flixreview"
    assert app.conf.worker_hijack_root_logger is False
    assert app.conf.task_acks_late is True
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_flush_expired_tokens_deletes_only_expired_ones(user):
    now = timezone.now()
    OutstandingToken.objects.create(user=user, jti="expired", token="t1", expires_at=now - timedelta(seconds=1))
    OutstandingToken.objects.create(user=user, jti="live", token="t2", expires_at=now + timedelta(days=1))
    tasks.flush_expired_tokens.delay()
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["live"]


# --- a real worker ----------------------------------------------------------------------------


WORKER_REDIS_DB = 15  # a database of its own: the suite flushes the cache database


@pytest.mark.redis
def test_a_real_worker_runs_a_task_sent_through_redis(tmp_path):
    redis_url = worker_redis_url_or_skip(WORKER_REDIS_DB)
    # The worker has settings of its own: SQLite in a temp dir; the tasks used need no database.
    env = {"SQLITE_PATH": str(tmp_path / "worker.sqlite3")}
    with running_worker(redis_url, prefix="flix-test", env=env, pool=["--pool", "solo"]) as worker:
        ping = worker.send("core.tasks.ping")
        assert worker.wait_for([ping]) == ["pong"]
