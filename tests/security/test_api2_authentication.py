"""API2:2023 Broken Authentication.

Every API route that authenticates (all but the four that hand out or take back tokens, read from the URL resolver)
answers 401 to a forged or dead access token: unsigned (``alg: none``), signed with another key or another
algorithm, tampered with, expired, a refresh token in its place, and a genuine one after its member changed their
password, was deactivated or deleted their account. The refresh endpoint refuses the same, plus a refresh token
already rotated or logged out. A password change or an account deletion also ends the member's site sessions, and
logging in, registering and refreshing are throttled per client address, on the API and on the site alike.
"""

import base64
import datetime
import json
import re
from collections.abc import Callable

import jwt
import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.models import User
from core.throttling import AuthRateThrottle
from tests.factories import DEFAULT_PASSWORD
from tests.security.routes import Route, api_routes
from tests.security.support import ADMIN, OTHER, World

pytestmark = pytest.mark.django_db

# The routes that take no access token: they hand tokens out or take a refresh token back.
UNAUTHENTICATED_ROUTES = {"register", "login", "token-refresh", "logout"}
NEW_PASSWORD = "Another-Quantum-Lantern-77"
REFRESH_URL = "/api/users/token/refresh/"


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def signed(payload: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key or settings.SIMPLE_JWT["SIGNING_KEY"], algorithm=algorithm)


def unsigned(token: str) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(token))}."


def with_claims(token: str, **changes) -> str:
    """The token's header and signature around a payload changed after signing."""
    header, _, signature = token.split(".")
    return f"{header}.{b64({**claims(token), **changes})}.{signature}"


def expired(token: str) -> str:
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    return signed({**claims(token), "exp": int(past.timestamp())})


def fresh_tokens(user: User) -> tuple[str, str]:
    refresh = RefreshToken.for_user(user)
    return str(refresh.access_token), str(refresh)


def change_password(user: User) -> None:
    services.user_password_change(user=user, old_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD)


def deactivate(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def delete_account(user: User) -> None:
    services.user_delete(user=user, password=DEFAULT_PASSWORD)


# Each makes a token that must not authenticate, from the other member's genuine (access, refresh) pair.
FORGERIES: dict[str, Callable[[str, str, World], str]] = {
    "alg none": lambda access, refresh, world: unsigned(access),
    "signed with another key": lambda access, refresh, world: signed(claims(access), key="not-our-key" * 4),
    "signed with another algorithm": lambda access, refresh, world: signed(claims(access), algorithm="HS384"),
    "payload changed to the admin's id": lambda access, refresh, world: with_claims(
        access, user_id=str(world.user_ids[ADMIN])
    ),
    "expired": lambda access, refresh, world: expired(access),
    "a refresh token": lambda access, refresh, world: refresh,
}
# Each ends a genuine token's life by what happens to its member.
MEMBER_EVENTS: dict[str, Callable[[User], None]] = {
    "after a password change": change_password,
    "after deactivation": deactivate,
    "after the account was deleted": delete_account,
}


def example_url(route: Route) -> str:
    """The route with every parameter filled in: authentication is checked before anything is looked up."""
    path = re.sub(r"<int:\w+>|\(\?P<\w+>\\d\+\)", "1", route.pattern)
    path = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", "someone", path)
    return "/" + path


def authenticating_routes() -> list[Route]:
    return [route for name, route in api_routes().items() if name not in UNAUTHENTICATED_ROUTES]


def test_only_the_token_routes_skip_authentication():
    without = {name for name, route in api_routes().items() if not route.view().get_authenticators()}
    assert without == UNAUTHENTICATED_ROUTES


def refusals(token: str) -> list[str]:
    """The authenticating routes that did not answer 401 (with its challenge) to ``token``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    wrong = []
    for route in authenticating_routes():
        method = "get" if "get" in route.methods else sorted(route.methods)[0]
        response = getattr(client, method)(example_url(route), {}, format="json")
        if response.status_code != 401 or "WWW-Authenticate" not in response:
            wrong.append(f"{method.upper()} {route.name}: {response.status_code}")
    return wrong


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_token_is_401_on_every_route(world, forgery):
    access, refresh = fresh_tokens(world.user(OTHER))

    assert refusals(FORGERIES[forgery](access, refresh, world)) == []


@pytest.mark.parametrize("event", MEMBER_EVENTS)
def test_a_genuine_token_is_401_on_every_route_once_its_member_changed(world, event):
    member = world.user(OTHER)
    access, _ = fresh_tokens(member)
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {access}").get("/api/users/me/").status_code == 200

    MEMBER_EVENTS[event](member)

    assert refusals(access) == []


def refreshed(token: str):
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


def rotated(access: str, refresh: str, world: World) -> str:
    assert refreshed(refresh).status_code == 200
    return refresh


def logged_out(access: str, refresh: str, world: World) -> str:
    assert APIClient().post("/api/users/logout/", {"refresh": refresh}, format="json").status_code == 204
    return refresh


DEAD_REFRESH_TOKENS: dict[str, Callable[[str, str, World], str]] = {
    "alg none": lambda access, refresh, world: unsigned(refresh),
    "signed with another key": lambda access, refresh, world: signed(claims(refresh), key="not-our-key" * 4),
    "payload changed to the admin's id": lambda access, refresh, world: with_claims(
        refresh, user_id=str(world.user_ids[ADMIN])
    ),
    "expired": lambda access, refresh, world: expired(refresh),
    "an access token": lambda access, refresh, world: access,
    "already rotated": rotated,
    "logged out": logged_out,
}


@pytest.mark.parametrize("kind", DEAD_REFRESH_TOKENS)
def test_a_dead_refresh_token_is_refused(world, kind):
    access, refresh = fresh_tokens(world.user(OTHER))

    response = refreshed(DEAD_REFRESH_TOKENS[kind](access, refresh, world))

    assert response.status_code == 401, response.content
    assert set(response.json()) == {"status", "code", "detail"}


@pytest.mark.parametrize("event", MEMBER_EVENTS)
def test_a_refresh_token_is_refused_once_its_member_changed(world, event):
    member = world.user(OTHER)
    _, refresh = fresh_tokens(member)

    MEMBER_EVENTS[event](member)

    assert refreshed(refresh).status_code == 401


def test_rotation_and_blacklisting_are_on():
    assert settings.SIMPLE_JWT["ROTATE_REFRESH_TOKENS"] and settings.SIMPLE_JWT["BLACKLIST_AFTER_ROTATION"]
    assert "rest_framework_simplejwt.token_blacklist" in settings.INSTALLED_APPS


@pytest.mark.parametrize("event", ["password change", "account deletion"])
def test_a_password_change_or_account_deletion_through_the_api_ends_the_site_sessions(world, event):
    member = world.user(OTHER)
    site = Client()
    site.force_login(member)
    assert site.get("/settings/").status_code == 200
    access, _ = fresh_tokens(member)
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}")

    if event == "password change":
        body = {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
        assert api.post("/api/users/me/password/", body, format="json").status_code == 204
    else:
        assert api.delete("/api/users/me/", {"password": DEFAULT_PASSWORD}, format="json").status_code == 204

    response = site.get("/settings/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


LIMIT = 3
# Each sends one sign-in attempt from a client address: a wrong password, a taken name, a dead token.
SIGN_IN_ATTEMPTS: dict[str, Callable[[Client, str], int]] = {
    "API login": lambda client, name: (
        client.post(
            "/api/users/login/", {"username": name, "password": "wrong"}, content_type="application/json"
        ).status_code
    ),
    "API register": lambda client, name: (
        client.post(
            "/api/users/register/", {"username": name, "email": "x", "password": "x"}, content_type="application/json"
        ).status_code
    ),
    "API token refresh": lambda client, name: (
        client.post(REFRESH_URL, {"refresh": "not-a-token"}, content_type="application/json").status_code
    ),
    "site login": lambda client, name: client.post("/login/", {"username": name, "password": "wrong"}).status_code,
    "site join": lambda client, name: client.post("/join/", {"username": name}).status_code,
}


@pytest.fixture
def auth_limit(monkeypatch):
    # DRF copies the rates onto the class at import (see accounts/tests/test_throttling.py).
    monkeypatch.setattr(
        AuthRateThrottle, "THROTTLE_RATES", {**AuthRateThrottle.THROTTLE_RATES, "auth": f"{LIMIT}/minute"}
    )


@pytest.mark.parametrize("attempt", SIGN_IN_ATTEMPTS)
def test_sign_in_attempts_are_throttled_per_address_even_with_the_right_password(world, auth_limit, attempt):
    client = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(LIMIT):
        assert SIGN_IN_ATTEMPTS[attempt](client, world.usernames[OTHER]) != 429

    right = {"username": world.usernames[OTHER], "password": DEFAULT_PASSWORD}
    assert client.post("/api/users/login/", right, content_type="application/json").status_code == 429
    assert client.post("/login/", right).status_code == 429
    # Another address still gets in.
    other_address = Client(REMOTE_ADDR="203.0.113.51")
    assert other_address.post("/api/users/login/", right, content_type="application/json").status_code == 200
