"""API5:2023 Broken Function Level Authorization.

The admin functions are found, not listed by hand: every API route and method whose permissions admit staff only
(read from the URL resolver and the views' permission classes), and every moderation action the Django admin
declares. Each must be in the table below, and each is tried by four people: anonymous callers get a 401, members a
403, and neither changes anything; an admin's request works (the TMDB ones against the local fake TMDB). The Django
admin itself, its index and every model's pages, is for staff only.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.test import Client
from rest_framework.permissions import SAFE_METHODS, IsAdminUser

from comments.models import Comment
from core.permissions import IsAdminOrReadOnly
from imports.tests.tmdb_fixtures import small_catalogue
from reviews.models import Review
from tests.fake_tmdb import DEFAULT_TOKEN, run_fake_tmdb
from tests.security.routes import api_routes
from tests.security.support import ADMIN, ANONYMOUS, OTHER, OWNER, World, fingerprint

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Function:
    url: Callable[[World], str]
    admin_status: int
    body: dict | None = None


def movie(world: World) -> str:
    return f"/api/movies/{world.movie}/"


def genre(world: World) -> str:
    return f"/api/genres/{world.genre_slug}/"


ADMIN_FUNCTIONS = {
    ("movie-list", "post"): Function(lambda w: "/api/movies/", 201, {"title": "Brand new"}),
    ("movie-detail", "put"): Function(movie, 200, {"title": "Retitled"}),
    ("movie-detail", "patch"): Function(movie, 200, {"runtime": 99}),
    ("movie-detail", "delete"): Function(movie, 204),
    ("genre-list", "post"): Function(lambda w: "/api/genres/", 201, {"name": "Giallo"}),
    ("genre-detail", "put"): Function(genre, 200, {"name": "Neo-noir"}),
    ("genre-detail", "patch"): Function(genre, 200, {"description": "Shadows."}),
    ("genre-detail", "delete"): Function(genre, 204),
    ("movie-search-tmdb", "get"): Function(lambda w: "/api/movies/search-tmdb/?q=alien", 200),
    ("movie-import-tmdb", "post"): Function(lambda w: "/api/movies/import-tmdb/", 201, {"tmdb_id": 348}),
    ("movie-sync-tmdb", "post"): Function(lambda w: f"/api/movies/{w.movie}/sync-tmdb/", 200),
}


def admin_only(view, method: str) -> bool:
    permissions = view.get_permissions()
    return any(
        isinstance(p, IsAdminUser) or (isinstance(p, IsAdminOrReadOnly) and method.upper() not in SAFE_METHODS)
        for p in permissions
    )


def test_every_admin_only_route_and_method_is_in_the_table():
    found = {
        (name, method)
        for name, route in api_routes().items()
        for method in route.methods
        if admin_only(route.view(), method)
    }
    assert found == set(ADMIN_FUNCTIONS)


@pytest.fixture
def fake_tmdb(settings) -> Iterator[None]:
    with run_fake_tmdb(small_catalogue()) as base_url:
        settings.TMDB_API_BASE_URL = base_url
        settings.TMDB_API_TOKEN = DEFAULT_TOKEN
        settings.TMDB_RATE_LIMIT = 0
        settings.TMDB_DOWNLOAD_POSTERS = False
        yield


@pytest.mark.parametrize(("actor", "status"), [(ANONYMOUS, 401), (OWNER, 403), (OTHER, 403)])
@pytest.mark.parametrize("key", ADMIN_FUNCTIONS, ids=lambda key: f"{key[1].upper()} {key[0]}")
def test_an_admin_function_is_refused_to_everyone_else(world, key, actor, status):
    function = ADMIN_FUNCTIONS[key]
    before = fingerprint()

    response = getattr(world.client(actor), key[1])(function.url(world), function.body, format="json")

    assert response.status_code == status, response.content[:300]
    assert response.json()["code"] == {401: "not_authenticated", 403: "permission_denied"}[status]
    assert fingerprint() == before


@pytest.mark.parametrize("key", ADMIN_FUNCTIONS, ids=lambda key: f"{key[1].upper()} {key[0]}")
def test_an_admin_function_works_for_an_admin(world, fake_tmdb, key):
    function = ADMIN_FUNCTIONS[key]

    response = getattr(world.client(ADMIN), key[1])(function.url(world), function.body, format="json")

    assert response.status_code == function.admin_status, response.content[:300]


def registered_admins() -> Iterator[admin.ModelAdmin]:
    for model in apps.get_models():
        try:
            yield admin.site.get_model_admin(model)
        except NotRegistered:
            continue


# (app_label.model, action) -> what the action changes on the world's visible review or comment.
MODERATION = {
    ("reviews.review", "hide"): (Review, "review", True),
    ("reviews.review", "unhide"): (Review, "hidden_review", False),
    ("comments.comment", "hide"): (Comment, "comment", True),
    ("comments.comment", "unhide"): (Comment, "hidden_comment", False),
}


def test_every_admin_action_is_in_the_table():
    declared = {
        (model_admin.model._meta.label_lower, action)
        for model_admin in registered_admins()
        for action in (model_admin.actions or [])
        if isinstance(action, str)
    }
    assert declared == set(MODERATION)


def site_client(world: World, actor: str) -> Client:
    client = Client()
    if actor != ANONYMOUS:
        client.force_login(world.user(actor))
    return client


@pytest.mark.parametrize("actor", [ANONYMOUS, OWNER, OTHER, ADMIN])
@pytest.mark.parametrize("key", MODERATION, ids=lambda key: f"{key[0]} {key[1]}")
def test_a_moderation_action_is_for_staff_only(world, key, actor):
    model, attribute, hidden_after = MODERATION[key]
    pk = getattr(world, attribute)
    changelist = f"/admin/{key[0].replace('.', '/')}/"

    response = site_client(world, actor).post(changelist, {"action": key[1], "_selected_action": [pk]})

    if actor == ADMIN:
        assert response.status_code == 302 and response["Location"] == changelist
        assert model.objects.get(pk=pk).hidden is hidden_after
    else:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert model.objects.get(pk=pk).hidden is not hidden_after


def admin_pages() -> list[str]:
    pages = ["/admin/"]
    for model_admin in registered_admins():
        meta = model_admin.model._meta
        pages.append(f"/admin/{meta.app_label}/{meta.model_name}/")
    return pages


@pytest.mark.parametrize("actor", [ANONYMOUS, OWNER, OTHER, ADMIN])
def test_the_django_admin_is_for_staff_only(world, actor):
    client = site_client(world, actor)

    statuses = {page: client.get(page) for page in admin_pages()}

    for page, response in statuses.items():
        if actor == ADMIN:
            assert response.status_code == 200, page
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), page
