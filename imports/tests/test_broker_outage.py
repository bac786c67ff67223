"""The broker down: an import it cannot take is a 503 at once (a history job is marked failed, so nothing waits for
a message that was never sent), and once it is back the same request is accepted with its message in the queue.
The broker is a redis-server of the test's own, stopped and started; the project's Celery app is swapped for one
sending to it (not running tasks in-process), as a deployment with a broker does."""

import json

import pytest
from celery import Celery
from django.db import connection

from config.celery import app as project_app
from conftest import authenticated_client
from imports.models import ImportJob
from movies.tests.helpers import assert_error
from tests.factories import MovieFactory, UserFactory
from tests.redis_server import RedisServer, redis_server_binary_or_skip

from .history_files import film, letterboxd_zip
from .test_history_jobs import upload

# Outside a test transaction, so that the enqueue after commit runs inside the request, as it does when served.
pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "celery"


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(redis_server_binary_or_skip(), tmp_path)
    server.start()
    app = Celery("broker-outage-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=server.url(), result_backend=None, task_always_eager=False)
    app.set_current()
    try:
        yield server
    finally:
        project_app.set_current()
        app.close()
        server.stop()
        connection.close()


def queued(server: RedisServer, task: str) -> list[str]:
    """The arguments of each message for ``task`` waiting in the broker's queue."""
    messages = [json.loads(message)["headers"] for message in server.client().lrange(QUEUE, 0, -1)]
    return [headers["argsrepr"] for headers in messages if headers["task"] == task]


def test_a_history_import_the_broker_cannot_take_is_a_503_then_accepted_once_it_is_back(broker):
    member = authenticated_client(UserFactory())
    export = letterboxd_zip({"ratings.csv": [["2020-01-02", *film(MovieFactory()), "4"]]})
    broker.stop()

    assert_error(upload(member, export), 503, code="queue_unavailable")
    assert ImportJob.objects.get().status == "failed"

    broker.start()
    response = upload(member, export)

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    assert queued(broker, "imports.tasks.run_history_import") == [f"({response.json()['id']},)"]


def test_an_async_tmdb_import_the_broker_cannot_take_is_a_503_then_accepted_once_it_is_back(broker, fake_tmdb):
    admin = authenticated_client(UserFactory(is_staff=True))
    broker.stop()

    assert_error(admin.post("/api/movies/import-tmdb/", {"tmdb_id": 550, "async": True}, format="json"), 503,
                 code="queue_unavailable")  # fmt: skip

    broker.start()
    response = admin.post("/api/movies/import-tmdb/", {"tmdb_id": 550, "async": True}, format="json")

    assert response.status_code == 202, response.content
    assert queued(broker, "imports.tasks.import_tmdb_movie") == ["(550,)"]
    assert fake_tmdb.count() == 0  # queued for a worker, not run in the request
