"""A database that cannot be reached is a 503 (JSON under /api/, a friendly page on the site), logged as one warning;
every other database error stays a 500. On PostgreSQL, a real server process loses its database through a proxy
and gets it back without a restart."""

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from unittest import mock
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError, connection
from django.test import Client

from core.errors import DATABASE_RETRY_AFTER_SECONDS, is_database_unreachable
from tests.factories import MovieFactory, UserFactory
from tests.tcp_proxy import TcpProxy

BASE_DIR = Path(__file__).resolve().parents[2]
TOP_RATED = "/api/recommendations/top-rated/"


def django_error(error_class: type[Exception], cause: BaseException) -> Exception:
    """``error_class`` raised from the driver's ``cause``, as Django raises a database error."""
    error = error_class(str(cause))
    error.__cause__ = cause
    return error


def connection_refused() -> Exception:
    return django_error(
        OperationalError,
        psycopg.OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 failed: refused'),
    )


def assert_database_unavailable_json(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "status": 503,
        "code": "database_unavailable",
        "detail": "The database is unavailable at the moment; try again in a few seconds.",
    }
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)


def assert_friendly_page(response) -> None:
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "We will be back in a moment" in page
    # The Content-Security-Policy allows no inline script or style.
    assert "<script" not in page and "<style" not in page and "style=" not in page


@pytest.fixture
def request_logs(caplog):
    with caplog.at_level(logging.INFO):
        yield caplog


def assert_one_warning_and_no_error(caplog) -> None:
    warnings = [record for record in caplog.records if record.name == "core.errors"]
    assert [record.levelname for record in warnings] == ["WARNING"]
    assert "database unavailable" in warnings[0].getMessage()
    assert warnings[0].exc_info is None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


# --- Which errors are an outage -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        connection_refused(),
        django_error(OperationalError, psycopg.errors.AdminShutdown("terminating connection: administrator command")),
        django_error(OperationalError, psycopg.errors.CrashShutdown("terminating connection: another server crashed")),
        django_error(OperationalError, psycopg.errors.CannotConnectNow("the database system is starting up")),
        django_error(OperationalError, psycopg.errors.ConnectionFailure("connection failure")),
        django_error(InterfaceError, psycopg.InterfaceError("the connection is closed")),
        InterfaceError("connection already closed"),
    ],
    ids=["refused", "admin-shutdown", "crash-shutdown", "starting-up", "connection-failure", "closed", "closed-plain"],
)
def test_connection_failures_are_an_outage(error):
    assert is_database_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [
        django_error(OperationalError, psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
        django_error(OperationalError, psycopg.errors.DeadlockDetected("deadlock detected")),
        django_error(OperationalError, psycopg.errors.LockNotAvailable("could not obtain lock")),
        django_error(ProgrammingError, psycopg.errors.UndefinedTable('relation "x" does not exist')),
        django_error(IntegrityError, psycopg.errors.UniqueViolation("duplicate key value")),
        OperationalError("no such table: movies_movie"),  # SQLite: a missing migration
        RuntimeError("not a database error"),
    ],
    ids=["statement-timeout", "deadlock", "lock-timeout", "undefined-table", "unique-violation", "sqlite", "other"],
)
def test_bugs_and_query_failures_are_not(error):
    assert not is_database_unreachable(error)


# --- Answers, with the failure simulated -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_api_view_that_cannot_reach_the_database_answers_503_in_the_error_shape(client, request_logs):
    with mock.patch("recommendations.selectors.popular.top_rated", side_effect=connection_refused()):
        response = client.get(TOP_RATED)

    assert_database_unavailable_json(response)
    assert response["X-Request-ID"]
    assert_one_warning_and_no_error(request_logs)


@pytest.mark.django_db
def test_a_site_page_that_cannot_reach_the_database_is_a_friendly_503(client, request_logs):
    with mock.patch("web.views.trending", side_effect=connection_refused()):
        response = client.get("/")

    assert_friendly_page(response)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert_one_warning_and_no_error(request_logs)


@pytest.mark.django_db
def test_a_session_read_in_middleware_before_the_view_gets_the_same_503(settings, request_logs):
    """LoginRequiredMiddleware reads the member's session before any view runs; Django's 500 handler answers."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    with mock.patch.object(SessionStore, "load", side_effect=connection_refused()):
        api_response, site_response = client.get("/api/movies/"), client.get("/films/")

    assert_database_unavailable_json(api_response)
    assert_friendly_page(site_response)
    warnings = [record for record in request_logs.records if record.name == "core.errors"]
    assert [record.levelname for record in warnings] == ["WARNING", "WARNING"]
    assert not [record for record in request_logs.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        django_error(ProgrammingError, psycopg.errors.UndefinedColumn('column "x" does not exist')),
        django_error(IntegrityError, psycopg.errors.UniqueViolation("duplicate key value")),
        django_error(OperationalError, psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
    ],
    ids=["programming", "integrity", "statement-timeout"],
)
def test_a_real_database_bug_stays_a_500(error, request_logs):
    client = Client(raise_request_exception=False)
    with mock.patch("recommendations.selectors.popular.top_rated", side_effect=error):
        api_response = client.get(TOP_RATED)
    with mock.patch("web.views.trending", side_effect=error):
        site_response = client.get("/")

    assert api_response.status_code == 500
    assert api_response.json()["code"] == "server_error"
    assert site_response.status_code == 500
    assert "Retry-After" not in api_response and "Retry-After" not in site_response
    errors = [record for record in request_logs.records if record.levelno >= logging.ERROR]
    assert len(errors) == 2 and all(record.exc_info for record in errors)  # logged with the traceback, as before


# --- A real server losing PostgreSQL --------------------------------------------------------------------------------

# Left to the server's own settings, or set below.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SENTRY_DSN", "DEBUG"}
SERVER_START_SECONDS = 30


@dataclass
class AppServer:
    http: httpx.Client
    output: IO[str]

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proxied_database_url(proxy: TcpProxy) -> str:
    """The test database, reached through the proxy."""
    url = urlsplit(os.environ["DATABASE_URL"])
    credentials = url.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    return url._replace(netloc=netloc, path=f"/{django_settings.DATABASES['default']['NAME']}").geturl()


@contextmanager
def app_server(database_url: str) -> Iterator[AppServer]:
    """gunicorn serving the project from its own process, with persistent connections and their health checks as
    configured in production; the response cache is off so that every read goes to the database."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        RESPONSE_CACHE_SECONDS="0",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
        LOG_FORMAT="plain",
    )
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20)
        server = AppServer(http, output)
        try:
            _wait_until_serving(process, server)
            yield server
        finally:
            http.close()
            process.terminate()
            process.wait(timeout=20)


def _wait_until_serving(process: subprocess.Popen, server: AppServer) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            if server.http.get("/health/live").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"gunicorn did not start ({process.returncode}):\n{server.log()[-4000:]}")
        time.sleep(0.05)


def fetch_all(server: AppServer, pool: ThreadPoolExecutor, pages: list[tuple[str, dict]]) -> list[httpx.Response]:
    """GET every (path, headers) at once over the pool's threads, in order."""
    return list(pool.map(lambda page: server.http.get(page[0], headers=page[1]), pages))


def signed_in(user) -> dict[str, str]:
    """Request headers carrying a session of ``user``'s."""
    client = Client()
    client.force_login(user)
    return {"Cookie": client.cookies[django_settings.SESSION_COOKIE_NAME].output(header="").strip()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL behind the proxy")
def test_a_server_that_loses_postgresql_answers_503_and_recovers_on_its_own():
    movie = MovieFactory(title="Back Again")
    member = UserFactory(username="returning-member")
    database = django_settings.DATABASES["default"]
    target = (database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    # The API, a member's page (their session is read from the database) and a visitor's, on every server thread.
    pages = [("/api/movies/", {}), ("/films/", signed_in(member)), ("/", {})] * 4

    with TcpProxy(target) as proxy, app_server(proxied_database_url(proxy)) as server, ThreadPoolExecutor(4) as pool:
        assert [response.status_code for response in fetch_all(server, pool, pages)] == [200] * len(pages)

        proxy.cut()  # the server's open connections die; new ones are refused
        during = fetch_all(server, pool, pages)
        ready = server.http.get("/health/ready")

        proxy.restore()  # nothing is restarted
        after = fetch_all(server, pool, pages)
        log = server.log()

    for response, (path, _) in zip(during, pages, strict=True):
        assert response.status_code == 503, (path, response.text)
        assert response.headers["Retry-After"] == str(DATABASE_RETRY_AFTER_SECONDS)
        if path.startswith("/api/"):
            assert response.json()["code"] == "database_unavailable"
        else:
            assert "We will be back in a moment" in response.text
    assert ready.status_code == 503 and ready.json()["failed"] == ["database"]
    assert [response.status_code for response in after] == [200] * len(pages)
    assert after[0].json()["results"][0]["title"] == movie.title
    assert member.username in after[1].text
    assert log.count("database unavailable, answered 503") == len(pages)
    assert "Traceback" not in log and " ERROR " not in log and "[ERROR]" not in log, log[-4000:]
