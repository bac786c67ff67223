"""Reads from a replica alias, writes to the primary (core.replica), with a client pinned to the primary for a few
seconds after it writes. On PostgreSQL a real server process gets a second alias on the same database, as a
streaming replica would be named."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from core import replica
from core.replica import PIN_COOKIE, PRIMARY, REPLICA, PrimaryReplicaRouter, ReplicaPinMiddleware
from tests.factories import MovieFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
router = PrimaryReplicaRouter()


def test_reads_go_to_the_replica_until_something_is_written():
    replica.start()
    assert router.db_for_read(None) == REPLICA

    assert router.db_for_write(None) == PRIMARY
    assert router.db_for_read(None) == PRIMARY

    replica.start(pinned=True)
    assert router.db_for_read(None) == PRIMARY


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_go_to_the_primary():
    replica.start()
    with transaction.atomic():
        assert router.db_for_read(None) == PRIMARY
    assert router.db_for_read(None) == REPLICA


def test_only_the_primary_is_migrated():
    assert router.allow_migrate(PRIMARY, "movies") and not router.allow_migrate(REPLICA, "movies")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES[PRIMARY]}


def view_that(writes: bool):
    def view(request):
        if writes:
            router.db_for_write(None)
        return HttpResponse(router.db_for_read(None))

    return view


def test_a_request_that_wrote_pins_its_client_to_the_primary_for_a_few_seconds(with_replica, settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    request = RequestFactory().post("/")

    response = ReplicaPinMiddleware(view_that(writes=True))(request)

    assert response.content == PRIMARY.encode()
    assert response.cookies[PIN_COOKIE]["max-age"] == 5 and response.cookies[PIN_COOKIE]["httponly"]


def test_a_pinned_client_reads_from_the_primary_and_others_from_the_replica(with_replica):
    pinned = RequestFactory().get("/")
    pinned.COOKIES[PIN_COOKIE] = "1"

    assert ReplicaPinMiddleware(view_that(writes=False))(pinned).content == PRIMARY.encode()
    response = ReplicaPinMiddleware(view_that(writes=False))(RequestFactory().get("/"))
    assert response.content == REPLICA.encode()
    assert PIN_COOKIE not in response.cookies


# Runs in a server process with DATABASE_REPLICA_URL set: which alias each request's statements went to.
SERVER_SNIPPET = """
import json
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User

def aliases(request):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        status = request().status_code
    return {"status": status, "primary": len(primary), "replica": len(rep)}

client = Client(HTTP_AUTHORIZATION="Bearer " + str(AccessToken.for_user(User.objects.get(username="writer"))))
result = {"read": aliases(lambda: client.get("/api/movies/"))}
review = {"movie": MOVIE, "rating": 4}
result["write"] = aliases(lambda: client.post("/api/reviews/", review, content_type="application/json"))
result["read after"] = aliases(lambda: client.get("/api/movies/"))
print(json.dumps(result))
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database a second process can open")
def test_a_server_with_a_replica_alias_reads_from_it_and_writes_to_the_primary():
    movie = MovieFactory()
    UserFactory(username="writer")
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_REPLICA_URL": url, "RESPONSE_CACHE_SECONDS": "0"}
    env.pop("REDIS_URL", None)

    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", SERVER_SNIPPET.replace("MOVIE", str(movie.pk))],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    result = json.loads(output.strip().splitlines()[-1])

    assert result["read"]["status"] == 200 and result["read"]["primary"] == 0 and result["read"]["replica"] > 0
    assert result["write"]["status"] == 201 and result["write"]["primary"] > 0
    # The client's cookie jar now holds the pin: its next read comes from the primary.
    assert result["read after"]["primary"] > 0 and result["read after"]["replica"] == 0
