"""The site's frame: home pages, log in, join, log out, error pages, the security headers."""

import pytest
from django.urls import reverse

from core.throttling import AuthRateThrottle
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_a_visitor_what_the_site_is_and_recent_reviews(client):
    review = ReviewFactory(body="A <b>bold</b> claim", rating=4.5)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Join FlixReview" in html
    assert review.movie.title in html
    assert "A &lt;b&gt;bold&lt;/b&gt; claim" in html  # user text is escaped
    assert "<b>bold</b>" not in html


def test_a_member_home_shows_their_picks_and_watchlist(client):
    member = UserFactory()
    client.force_login(member)

    response = client.get("/")

    assert response.status_code == 200
    assert f"Welcome back, {member.username}" in response.content.decode()


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in client.get("/").content.decode()


def test_join_logs_the_new_member_in(client):
    response = client.post(
        reverse("web:register"),
        {"username": "newbie", "email": "newbie@example.com", "password": "a-long-pass-phrase-9"},
    )

    assert response.status_code == 302
    assert client.get("/").context["user"].username == "newbie"


def test_join_shows_the_apis_validation_errors_on_the_form(client):
    UserFactory(username="taken")

    response = client.post(reverse("web:register"), {"username": "taken", "email": "x@example.com", "password": "123"})

    assert response.status_code == 400
    assert "already exists" in str(response.context["form"].errors["username"])
    weak = client.post(reverse("web:register"), {"username": "fresh", "email": "f@example.com", "password": "123"})
    assert weak.status_code == 400
    assert weak.context["form"].errors["password"]
    assert not weak.context["user"].is_authenticated


def test_login_and_logout(client):
    member = UserFactory(username="ida")
    response = client.post(reverse("web:login"), {"username": "ida", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == member

    assert client.post(reverse("web:logout")).status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_login_is_throttled_per_address(client, monkeypatch):
    # DRF copies the rates onto the class when it is imported (see accounts/tests/test_throttling.py).
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {**AuthRateThrottle.THROTTLE_RATES, "auth": "2/minute"})
    for _ in range(2):
        assert client.post(reverse("web:login"), {"username": "x", "password": "y"}).status_code == 200

    response = client.post(reverse("web:login"), {"username": "x", "password": "y"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_pages_for_members_send_visitors_to_log_in(client):
    response = client.get(reverse("web:feed"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_an_unknown_page_is_a_friendly_404_and_the_api_keeps_its_json(client, settings):
    settings.DEBUG = False

    page = client.get("/no-such-page/")
    api = client.get("/api/no-such-endpoint/")

    assert page.status_code == 404 and "We could not find that page" in page.content.decode()
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_the_api_docs_load_swagger_ui_from_this_site(client):
    html = client.get("/api/docs/").content.decode()

    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_an_admin_sees_the_admin_link(client):
    client.force_login(UserFactory(is_staff=True))
    assert reverse("admin:index") in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert reverse("admin:index") not in client.get("/").content.decode()
