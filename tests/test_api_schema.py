"""Property-based run over every operation in /api/schema/: no 5xx, every response as documented."""

import pytest
import schemathesis
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

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def admin_headers(db, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "auth": None})
    admin = UserFactory(username="schema-admin", is_staff=True, is_superuser=True)
    for _ in range(3):
        ReviewFactory(movie=MovieFactory())
    client = authenticated_client(admin)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_anonymous_requests_conform_to_schema(case, admin_headers):
    case.call_and_validate(checks=CHECKS)
