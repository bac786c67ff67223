"""API4:2023 Unrestricted Resource Consumption.

Every GET route (read from the URL resolver) is classed: a paginated list refuses a ``page_size`` over 100, a list
with a ``limit`` refuses one over 50, anything else returns one bounded thing; a list view DRF would paginate cannot
hide among the bounded ones. Every upload, on the API and on the site, holds its caps: a history file of at most
20 MB whose ZIP has at most 200 members and unpacks to at most 100 MB, an avatar of at most 5 MB and 4096 pixels a
side. A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 on every write that reads one. Every route counts
requests per client address and per member, and a member past the limit gets a 429 that writes nothing.
"""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.validators import AVATAR_MAX_SIDE
from core.pagination import MAX_PAGE_SIZE
from core.throttling import AnonRateThrottle, AuthRateThrottle, UserRateThrottle
from imports.history.upload import MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES, MAX_ZIP_MEMBERS
from imports.models import ImportJob
from recommendations.serializers import MAX_LIMIT
from tests.security.routes import api_routes
from tests.security.support import OTHER, OWNER, World, fingerprint
from tests.security.tables import WRITES, get_urls

pytestmark = pytest.mark.django_db

PAGE_SIZED = {
    "diary-list",
    "watchlist",
    "dismissed",
    "member-diary",
    "member-watchlist",
    "blocked",
    "followers",
    "following",
    "list-list",
    "list-items",
    "movie-lists",
    "review-comments",
    "list-comments",
    "feed",
    "notifications",
    "imports",
    "movie-reviews",
    "movie-list",
    "genre-list",
    "genre-detail",  # the genre's movies
    "review-list",
}
LIMITED = {
    "taste-profile",
    "top-rated",
    "trending",
    "most-reviewed",
    "recent",
    "dashboard",
    "for-you",
    "by-genre",
    "movie-similar",
}
BOUNDED = {
    "schema": "the API's description",
    "docs": "a page",
    "diary-detail": "one entry",
    "me": "one account",
    "comment-detail": "one comment",
    "list-detail": "one list",
    "import-detail": "one job",
    "import-unmatched": "a job's rows, at most an upload's",
    "user-export": "a member's own things, throttled (THROTTLE_EXPORTS)",
    "profile": "one member",
    "movie-search-tmdb": "one page of TMDB's, admins only",
    "movie-detail": "one movie",
    "review-detail": "one review",
}


def get_routes() -> dict:
    return {name: route for name, route in api_routes().items() if "get" in route.methods}


def test_every_get_route_is_classed_and_every_list_is_paginated():
    classes = [PAGE_SIZED, LIMITED, set(BOUNDED)]
    assert set().union(*classes) == set(get_routes())
    assert sum(len(c) for c in classes) == len(set().union(*classes)), "a route is in two classes"
    lists = {name for name, route in get_routes().items() if route.lists}
    assert lists <= PAGE_SIZED, f"list views classed as bounded: {lists - PAGE_SIZED}"


def with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize("route", sorted(PAGE_SIZED))
def test_a_page_is_at_most_a_hundred_rows(world, route):
    client, url = world.client(OWNER), get_urls(world)[route]

    assert client.get(with_query(url, f"page_size={MAX_PAGE_SIZE}")).status_code == 200
    for too_many in (MAX_PAGE_SIZE + 1, 10**9):
        response = client.get(with_query(url, f"page_size={too_many}"))
        assert response.status_code == 400, response.content[:200]
        assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("route", sorted(LIMITED))
def test_a_limited_list_is_at_most_fifty_rows(world, route):
    client, url = world.client(OWNER), get_urls(world)[route]

    assert client.get(with_query(url, f"limit={MAX_LIMIT}")).status_code == 200
    response = client.get(with_query(url, f"limit={MAX_LIMIT + 1}"))
    assert response.status_code == 400, response.content[:200]
    assert "limit" in response.json()["errors"]


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def declaring(data: bytes, size: int) -> bytes:
    """The one-member ZIP with its central directory claiming ``size`` unpacked bytes."""
    patched = bytearray(data)
    at = patched.find(b"PK\x01\x02")
    patched[at + 24 : at + 28] = size.to_bytes(4, "little")
    return bytes(patched)


RATINGS = b"Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1995,https://boxd.it/x,4\n"
OVERSIZED_HISTORIES = {
    "over 20 MB": ("big.csv", RATINGS + b" " * MAX_UPLOAD_BYTES),
    "over 200 ZIP members": ("many.zip", zip_of({f"lists/{n}.csv": RATINGS for n in range(MAX_ZIP_MEMBERS + 1)})),
    "unpacking to over 100 MB": ("bomb.zip", declaring(zip_of({"ratings.csv": RATINGS}), MAX_UNCOMPRESSED_BYTES + 1)),
}


@pytest.mark.parametrize("where", ["api", "site"])
@pytest.mark.parametrize("kind", OVERSIZED_HISTORIES)
def test_a_history_upload_past_a_cap_is_refused_and_stores_nothing(world, kind, where):
    name, data = OVERSIZED_HISTORIES[kind]
    upload = SimpleUploadedFile(name, data)
    before = ImportJob.objects.count()

    if where == "api":
        response = world.client(OTHER).post("/api/imports/", {"file": upload}, format="multipart")
    else:
        site = Client()
        site.force_login(world.user(OTHER))
        response = site.post("/settings/import/", {"file": upload})

    assert response.status_code == 400, response.content[:300]
    assert ImportJob.objects.count() == before


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


OVERSIZED_AVATARS = {
    "over 5 MB": lambda: png(8, 8) + b"\0" * settings.AVATAR_MAX_BYTES,
    "over 4096 pixels a side": lambda: png(AVATAR_MAX_SIDE + 1, 8),
    "a decompression bomb": lambda: png(20_000, 20_000),
}


@pytest.mark.parametrize("where", ["api", "site"])
@pytest.mark.parametrize("kind", OVERSIZED_AVATARS)
def test_an_avatar_past_a_cap_is_refused_and_stores_nothing(world, kind, where):
    upload = SimpleUploadedFile("avatar.png", OVERSIZED_AVATARS[kind](), content_type="image/png")

    if where == "api":
        response = world.client(OTHER).patch("/api/users/me/", {"avatar": upload}, format="multipart")
        assert response.status_code == 400, response.content[:300]
    else:
        site = Client()
        site.force_login(world.user(OTHER))
        response = site.post("/settings/profile/", {"avatar": upload, "time_zone": "UTC"})
        assert response.status_code == 400
    assert not world.user(OTHER).avatar


def test_an_avatar_of_4096_pixels_a_side_is_accepted(world):
    upload = SimpleUploadedFile("avatar.png", png(AVATAR_MAX_SIDE, 8), content_type="image/png")

    response = world.client(OTHER).patch("/api/users/me/", {"avatar": upload}, format="multipart")

    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: f"{write.method.upper()} {write.route}")
def test_a_body_over_the_memory_limit_is_413_on_every_write(world, write):
    body = {"padding": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    before = fingerprint()

    send = getattr(world.client(write.actor), write.method)
    response = send(write.url(world), body, format="multipart" if write.multipart else "json")

    if write.body is None:
        # The view never reads a body: nothing is held in memory, and the request is the plain one.
        assert response.status_code < 500 or (write.needs_tmdb and response.status_code == 503)
        return
    assert response.status_code == 413, response.content[:200]
    assert response.json()["code"] == "request_too_large"
    assert fingerprint() == before


def test_every_route_counts_requests_per_address_and_per_member():
    missing = []
    for name, route in api_routes().items():
        throttles = route.view().get_throttles()
        per_address = any(isinstance(t, AnonRateThrottle | AuthRateThrottle) for t in throttles)
        per_member = any(isinstance(t, UserRateThrottle) for t in throttles)
        if not (per_address and per_member):
            missing.append(name)
    assert missing == []


@pytest.fixture
def user_limit(monkeypatch):
    # DRF copies the rates onto the class at import (see accounts/tests/test_throttling.py).
    rates = {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute", "anon": "3/minute"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)


def test_a_member_past_the_limit_gets_a_429_that_writes_nothing(world: World, user_limit):
    client = world.client(OTHER)
    for n in range(3):
        assert client.post("/api/lists/", {"name": f"List {n}"}, format="json").status_code == 201
    before = fingerprint()

    response = client.post("/api/lists/", {"name": "One too many"}, format="json")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert fingerprint() == before


def test_an_anonymous_client_past_the_limit_gets_a_429(world: World, user_limit):
    client = Client(REMOTE_ADDR="203.0.113.60")
    for _ in range(3):
        assert client.get("/api/movies/").status_code == 200

    assert client.get("/api/movies/").status_code == 429
