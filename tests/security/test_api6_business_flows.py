"""API6:2023 Unrestricted Access to Sensitive Business Flows.

The flows that reach other members, and so can be automated into spam: likes (of films, reviews and lists) and
follows, counted per member in the "social" scope (THROTTLE_SOCIAL), and comments in the "comments" scope
(THROTTLE_COMMENTS). The routes that carry each scope are found from the URL resolver and must be exactly these.
Each flow is driven past its limit on the API (a 429 with Retry-After) and on the site (the write refused with a
message), and a write past the limit changes nothing. The API and the site count in one budget per member, so
switching between them gains nothing, and one member's flood does not slow anyone else.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from core.throttling import CommentRateThrottle, SocialWriteRateThrottle
from follows.models import Follow
from tests.security.routes import api_routes
from tests.security.support import ADMIN, OTHER, OWNER, World, fingerprint

pytestmark = pytest.mark.django_db

LIMIT = 3
SOCIAL_ROUTES = {"follow", "review-like", "list-like", "movie-like"}
COMMENT_ROUTES = {"review-comments", "list-comments", "comment-detail"}


def routes_throttled_by(throttle_class: type) -> set[str]:
    return {
        name
        for name, route in api_routes().items()
        if any(isinstance(throttle, throttle_class) for throttle in route.view().get_throttles())
    }


def test_the_social_and_comment_scopes_are_on_exactly_these_routes():
    assert routes_throttled_by(SocialWriteRateThrottle) == SOCIAL_ROUTES
    assert routes_throttled_by(CommentRateThrottle) == COMMENT_ROUTES


@pytest.fixture
def limits(settings):
    rest_framework = settings.REST_FRAMEWORK
    rates = {**rest_framework["DEFAULT_THROTTLE_RATES"], "social": f"{LIMIT}/minute", "comments": f"{LIMIT}/minute"}
    settings.REST_FRAMEWORK = {**rest_framework, "DEFAULT_THROTTLE_RATES": rates}


@dataclass(frozen=True)
class Flow:
    """A write that alternates (like, unlike, like...) so that each one changes something."""

    api: Callable[[World, int], tuple[str, str, dict | None]]  # (method, url, body) of the n-th write
    site: Callable[[World, int], tuple[str, dict]]  # (url, form) of the n-th write


def toggled(on: str, off: str) -> Callable[[int], str]:
    return lambda n: on if n % 2 == 0 else off


put_or_delete = toggled("put", "delete")
SOCIAL_FLOWS = {
    "follow": Flow(
        api=lambda w, n: (toggled("delete", "put")(n), f"/api/users/{w.usernames[OWNER]}/follow/", None),
        site=lambda w, n: (f"/people/{w.usernames[OWNER]}/follow/", {"action": toggled("unfollow", "follow")(n)}),
    ),
    "review like": Flow(
        api=lambda w, n: (toggled("delete", "put")(n), f"/api/reviews/{w.review}/like/", None),
        site=lambda w, n: (f"/reviews/{w.review}/like/", {"on": toggled("0", "1")(n)}),
    ),
    "list like": Flow(
        api=lambda w, n: (toggled("delete", "put")(n), f"/api/lists/{w.public_list}/like/", None),
        site=lambda w, n: (f"/lists/{w.public_list}/like/", {"action": toggled("unlike", "like")(n)}),
    ),
    "film like": Flow(
        api=lambda w, n: (put_or_delete(n), f"/api/movies/{w.fresh_movie}/like/", None),
        site=lambda w, n: (f"/films/{w.fresh_movie}/like/", {"on": toggled("1", "0")(n)}),
    ),
}
COMMENT_FLOWS = {
    "comment on a review": Flow(
        api=lambda w, n: ("post", f"/api/reviews/{w.review}/comments/", {"body": f"Comment {n}"}),
        site=lambda w, n: (f"/reviews/{w.review}/comments/", {"body": f"Comment {n}"}),
    ),
    "comment on a list": Flow(
        api=lambda w, n: ("post", f"/api/lists/{w.public_list}/comments/", {"body": f"Comment {n}"}),
        site=lambda w, n: (f"/lists/{w.public_list}/comments/", {"body": f"Comment {n}"}),
    ),
}
FLOWS = {**SOCIAL_FLOWS, **COMMENT_FLOWS}


def api_write(world: World, flow: Flow, n: int, actor: str = OTHER):
    method, url, body = flow.api(world, n)
    return getattr(world.client(actor), method)(url, body, format="json")


def site_client(world: World, actor: str = OTHER) -> Client:
    client = Client()
    client.force_login(world.user(actor))
    return client


def site_write(world: World, flow: Flow, n: int, client: Client, htmx: bool = False):
    url, form = flow.site(world, n)
    if htmx:
        return client.post(url, form, HTTP_HX_REQUEST="true")
    return client.post(url, form, follow=True)


def refused_as_too_fast(response) -> bool:
    """The site's answer to a write past the limit: a 429 page, or the page again with the reason."""
    return response.status_code == 429 or "too fast" in response.content.decode()


@pytest.mark.parametrize("name", FLOWS)
def test_the_api_refuses_a_flood_with_a_429_that_writes_nothing(world, limits, name):
    flow = FLOWS[name]
    for n in range(LIMIT):
        assert api_write(world, flow, n).status_code < 300
    before = fingerprint()

    response = api_write(world, flow, LIMIT)

    assert response.status_code == 429, response.content[:200]
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("name", FLOWS)
def test_the_site_refuses_a_flood_and_says_why(world, limits, name, htmx):
    flow, client = FLOWS[name], site_client(world)
    for n in range(LIMIT):
        assert not refused_as_too_fast(site_write(world, flow, n, client, htmx))
    before = fingerprint()

    response = site_write(world, flow, LIMIT, client, htmx)

    assert refused_as_too_fast(response)
    assert fingerprint() == before


@pytest.mark.parametrize("name", FLOWS)
def test_the_api_and_the_site_share_one_budget(world, limits, name):
    flow, client = FLOWS[name], site_client(world)
    for n in range(LIMIT - 1):
        assert api_write(world, flow, n).status_code < 300
    assert not refused_as_too_fast(site_write(world, flow, LIMIT - 1, client))

    assert api_write(world, flow, LIMIT).status_code == 429
    assert refused_as_too_fast(site_write(world, flow, LIMIT, client))


@pytest.mark.parametrize("name", SOCIAL_FLOWS)
def test_one_members_flood_leaves_the_others_alone(world, limits, name):
    flow = SOCIAL_FLOWS[name]
    for n in range(LIMIT + 1):
        api_write(world, flow, n)

    response = api_write(world, flow, 1, actor=ADMIN)

    assert response.status_code in {200, 201, 204}


def test_reads_do_not_count(world, limits):
    client = world.client(OTHER)
    for _ in range(LIMIT * 2):
        assert client.get(f"/api/reviews/{world.review}/comments/").status_code == 200

    assert api_write(world, COMMENT_FLOWS["comment on a review"], 0).status_code == 201
    assert Follow.objects.filter(follower_id=world.user_ids[OTHER]).exists()
