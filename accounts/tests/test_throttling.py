"""Login, register and refresh share the per-address "auth" throttle scope."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.tests.utils import LOGIN_URL, REGISTER_URL, STRONG_PASSWORD, assert_error, login, refresh
from core.throttling import AuthRateThrottle
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture
def auth_limit(monkeypatch):
    """Lower the "auth" rate for one test.

    DRF copies DEFAULT_THROTTLE_RATES onto SimpleRateThrottle.THROTTLE_RATES at import time, so
    overriding settings alone has no effect; give the throttle class its own patched mapping
    (restored by monkeypatch) and let it look the rate up by scope as it does in production.
    """
    monkeypatch.setattr(
        AuthRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "auth": f"{LIMIT}/minute"}
    )
    return LIMIT


def client_from(address: str) -> APIClient:
    return APIClient(REMOTE_ADDR=address)


def assert_throttled(response):
    body = assert_error(response, 429, code="throttled")
    assert body["detail"].startswith("Request was throttled.")
    assert 0 < int(response["Retry-After"]) <= 60


def test_auth_scope_uses_the_configured_rate():
    throttle = AuthRateThrottle()

    assert throttle.scope == "auth"
    assert throttle.rate == settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"]


def test_login_is_throttled_after_the_limit(auth_limit, user):
    client = client_from("203.0.113.5")
    for _ in range(auth_limit):
        assert login(user.username, "wrong", client).status_code == 401

    assert_throttled(login(user.username, DEFAULT_PASSWORD, client))


def test_register_is_throttled_after_the_limit(auth_limit, django_user_model):
    client = client_from("203.0.113.6")
    for n in range(auth_limit):
        payload = {"username": f"flood{n}", "email": f"flood{n}@example.com", "password": STRONG_PASSWORD}
        assert client.post(REGISTER_URL, payload, format="json").status_code == 201

    payload = {"username": "one-too-many", "email": "extra@example.com", "password": STRONG_PASSWORD}
    assert_throttled(client.post(REGISTER_URL, payload, format="json"))
    assert not django_user_model.objects.filter(username="one-too-many").exists()


def test_token_refresh_is_throttled_after_the_limit(auth_limit):
    client = client_from("203.0.113.7")
    for _ in range(auth_limit):
        assert refresh("garbage", client).status_code == 401

    assert_throttled(refresh("garbage", client))


def test_login_and_register_share_one_budget_per_address(auth_limit, user):
    client = client_from("203.0.113.8")
    for _ in range(auth_limit):
        assert login(user.username, "wrong", client).status_code == 401

    payload = {"username": "latecomer", "email": "late@example.com", "password": STRONG_PASSWORD}
    assert_throttled(client.post(REGISTER_URL, payload, format="json"))


def test_throttle_is_per_address(auth_limit, user):
    first = client_from("198.51.100.1")
    for _ in range(auth_limit):
        login(user.username, "wrong", first)
    assert_throttled(login(user.username, DEFAULT_PASSWORD, first))

    response = login(user.username, DEFAULT_PASSWORD, client_from("198.51.100.2"))

    assert response.status_code == 200


def test_throttle_counts_successful_logins_too(auth_limit, user):
    client = client_from("203.0.113.9")
    for _ in range(auth_limit):
        assert login(user.username, DEFAULT_PASSWORD, client).status_code == 200

    assert_throttled(login(user.username, DEFAULT_PASSWORD, client))


def test_requests_under_the_limit_are_not_throttled(auth_limit, user):
    client = client_from("203.0.113.10")
    for _ in range(auth_limit):
        response = client.post(LOGIN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json")
        assert response.status_code == 200
        assert "Retry-After" not in response
