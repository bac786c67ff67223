"""Property-based run over every operation in /api/schema/: no undocumented 5xx, every response as documented."""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from conftest import authenticated_client
from tests.factories import MovieFactory, ReviewFactory, UserFactory


def not_an_undocumented_server_error(ctx, response, case):
    """No 5xx, except one the operation documents: the TMDB endpoints answer 503 when TMDB is not configured."""
    if response.status_code > 500 and str(response.status_code) in case.operation.responses.status_codes:
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    not_an_undocumented_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def keep_test_connection():
    """Django closes "old" connections when a request starts and ends; inside a test transaction that
    would close the test's own PostgreSQL connection. Django's test client disconnects these signal
    handlers around each request; schemathesis calls the WSGI app directly, so do the same here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(db, monkeypatch, keep_test_connection):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "auth": None})
    # Whatever the environment says, no request may leave for TMDB: its endpoints must answer the documented 503.
    monkeypatch.setattr(django_settings, "TMDB_API_TOKEN", "")
    monkeypatch.setattr(django_settings, "TMDB_API_KEY", "")
    admin = UserFactory(username="schema-admin", is_staff=True, is_superuser=True)
    for _ in range(3):
        ReviewFactory(movie=MovieFactory())
    client = authenticated_client(admin)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples every run: a CI result does not depend on luck
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same examples every run: a CI result does not depend on luck
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_anonymous_requests_conform_to_schema(case, admin_headers):
    case.call_and_validate(checks=CHECKS)
