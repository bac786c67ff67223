"""Celery: the app, the tasks, the beat schedule, and a real worker process on Redis."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery import Celery
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from config.celery import app
from core import tasks

BASE_DIR = Path(__file__).resolve().parents[2]


# --- in-process (no broker configured: tasks run eagerly) -----------------------------------


def test_without_a_broker_tasks_run_in_process():
    assert settings.CELERY_BROKER_URL == ""
    assert app.conf.task_always_eager is True
    assert tasks.ping.delay().get(timeout=1) == "pong"
    assert tasks.add.delay(2, 3).get(timeout=1) == 5


def test_beat_schedule_names_registered_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "beat has nothing to run"
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


# The worker test's own Redis database: the suite's cache (REDIS_URL) is flushed by other tests,
# which would wipe queued messages and results if they shared a database.
WORKER_REDIS_DB = 15


def _redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    url = os.environ.get("CELERY_TEST_REDIS_URL") or urlsplit(url)._replace(path=f"/{WORKER_REDIS_DB}").geturl()
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at REDIS_URL is unreachable: {exc}")
    return url


def _forget_queue(redis_url: str, queue: str) -> None:
    """Remove the routing keys kombu left for the test queue."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


@pytest.mark.redis
def test_a_real_worker_runs_a_task_sent_through_redis(tmp_path):
    redis_url = _redis_url_or_skip()
    # A queue of its own, so that nothing else on this Redis takes (or sends) these messages.
    queue = f"flix-test-{uuid.uuid4().hex[:12]}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ENV", "DATABASE_URL", "CELERY_RESULT_BACKEND", "SENTRY_DSN", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CELERY_BROKER_URL=redis_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=queue,
        # The worker has settings of its own: SQLite in a temp dir; the tasks used need no database.
        SQLITE_PATH=str(tmp_path / "worker.sqlite3"),
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "solo",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    with tempfile.TemporaryFile(mode="w+") as output:
        worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        client = Celery("flixreview-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
        result = ping = None
        try:
            result = client.send_task("core.tasks.add", args=(2, 3), queue=queue)
            ping = client.send_task("core.tasks.ping", queue=queue)
            deadline = time.monotonic() + 60
            while not (result.ready() and ping.ready()):
                if worker.poll() is not None:
                    output.seek(0)
                    pytest.fail(f"the worker exited with {worker.returncode}:\n{output.read()[-4000:]}")
                if time.monotonic() > deadline:
                    output.seek(0)
                    pytest.fail(f"no result within 60 s; worker output:\n{output.read()[-4000:]}")
                time.sleep(0.1)
            assert result.get(timeout=5) == 5
            assert ping.get(timeout=5) == "pong"
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)
            for sent in (result, ping):
                if sent is not None:
                    sent.forget()
            client.close()
            _forget_queue(redis_url, queue)
