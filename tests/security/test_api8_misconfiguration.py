"""API8:2023 Security Misconfiguration.

With the production environment Django's deployment checks are clean and DEBUG is off; production refuses to start
with DEBUG on. Every response, of every API GET route (read from the URL resolver) and of the site's pages, errors
included, carries the security headers: X-Content-Type-Options, Referrer-Policy, X-Frame-Options, the
Cross-Origin-Opener-Policy and a Content-Security-Policy that allows no inline script and no framing. A 500 shows
no traceback, exception text or file path, on the API or the site; a 404 names no URL pattern. Hosts outside
ALLOWED_HOSTS are refused, X-Forwarded-Host is not trusted, and no origin is allowed cross-origin unless listed.
"""

import sys

import pytest
from django.test import Client

from core.tests.test_settings import PRODUCTION, base_env, run, settings_in
from recommendations.selectors import popular
from tests.security.support import OWNER, World
from tests.security.tables import get_urls
from web import views as web_views

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "secret-detail-of-the-failure"


def test_the_deployment_checks_are_clean_in_production():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], base_env(**PRODUCTION))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_debug_is_off_in_production_and_cannot_be_turned_on():
    assert settings_in(base_env(**PRODUCTION), "DEBUG") == {"DEBUG": False}

    result = run([sys.executable, "manage.py", "check"], base_env(**{**PRODUCTION, "DEBUG": "true"}))

    assert result.returncode != 0
    assert "DEBUG must be off when DJANGO_ENV=production" in result.stderr


def site_pages(world: World) -> list[tuple[str, bool]]:
    """(path, whether a member asks for it)."""
    owner = world.usernames[OWNER]
    visitor_pages = ["/", "/films/", f"/films/{world.movie}/", "/genres/", f"/genres/{world.genre_slug}/"]
    visitor_pages += [f"/people/{owner}/", f"/lists/{world.public_list}/", "/login/", "/join/", "/no-such-page/"]
    visitor_pages += ["/admin/login/"]
    member_pages = ["/", "/settings/", "/feed/", "/notifications/", f"/lists/{world.public_list}/edit/"]
    return [(path, False) for path in visitor_pages] + [(path, True) for path in member_pages]


def missing_headers(response) -> list[str]:
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    missing = [f"{name}: {response.get(name)!r}" for name, value in expected.items() if response.get(name) != value]
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    if directives.get("frame-ancestors") != ["'none'"] or directives.get("default-src") != ["'self'"]:
        missing.append(f"Content-Security-Policy: {policy!r}")
    if {"'unsafe-inline'", "'unsafe-eval'"} & set(directives.get("script-src", ["'unsafe-inline'"])):
        missing.append(f"script-src: {directives.get('script-src')}")
    return missing


def test_every_api_response_carries_the_security_headers(world):
    client = world.client(OWNER)
    responses = {route: client.get(url) for route, url in get_urls(world).items()}
    responses["a 404"] = client.get("/api/no-such-thing/")
    responses["a 400"] = client.post("/api/lists/", {"nope": 1}, format="json")

    wrong = {route: missing for route, response in responses.items() if (missing := missing_headers(response))}

    assert wrong == {}


def test_every_site_page_carries_the_security_headers(world):
    visitor, member = Client(), Client()
    member.force_login(world.user(OWNER))
    wrong = {}
    for path, as_member in site_pages(world):
        response = (member if as_member else visitor).get(path)
        assert response.status_code in {200, 404}, path
        if missing := missing_headers(response):
            wrong[path] = missing

    assert wrong == {}


def fail(*args, **kwargs):
    raise RuntimeError(f"{SECRET_DETAIL} in /srv/app/settings.py")


def assert_plain_500(response) -> None:
    assert response.status_code == 500
    text = response.content.decode()
    for leak in ("Traceback", SECRET_DETAIL, "RuntimeError", ".py", "SECRET_KEY", "DATABASES"):
        assert leak not in text
    assert not missing_headers(response)


def test_an_api_failure_is_a_plain_500(world, monkeypatch):
    monkeypatch.setattr(popular, "top_rated", fail)

    response = Client(raise_request_exception=False).get("/api/recommendations/top-rated/")

    assert_plain_500(response)
    assert response.json() == {"status": 500, "code": "server_error", "detail": "Internal server error."}


def test_a_site_failure_is_a_plain_500_page(world, monkeypatch):
    monkeypatch.setattr(web_views, "trending", fail)

    response = Client(raise_request_exception=False).get("/")

    assert_plain_500(response)
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/no-such-page/"])
def test_a_404_names_no_url_pattern(world, path):
    response = Client().get(path)

    assert response.status_code == 404
    text = response.content.decode()
    assert "URLconf" not in text and "api/users/" not in text


def test_a_host_outside_allowed_hosts_is_refused(world):
    response = Client(HTTP_HOST="evil.example").get("/api/movies/")

    assert response.status_code == 400


def test_links_are_not_built_from_x_forwarded_host(world):
    response = Client(HTTP_X_FORWARDED_HOST="evil.example").get("/api/movies/?page_size=1")

    assert response.json()["next"].startswith("http://testserver/")


@pytest.mark.parametrize("listed", [False, True])
def test_no_origin_is_allowed_cross_origin_unless_listed(world, settings, listed):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"] if listed else []
    preflight = {"HTTP_ORIGIN": "https://evil.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}

    evil = Client().options("/api/movies/", **preflight)
    friend = Client().options("/api/movies/", **{**preflight, "HTTP_ORIGIN": "https://app.example.com"})

    assert "Access-Control-Allow-Origin" not in evil
    assert ("Access-Control-Allow-Origin" in friend) is listed
