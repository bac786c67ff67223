"""Every lists endpoint for each of five callers (anonymous, the owner, another member, an admin, and a member the
owner blocked): the status and what reached the database. A private list is a 404 to everyone but its owner, admins
included; a write on the other side of a block is a 403 with code "blocked"; reads leave the other side out."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import resolve
from rest_framework.test import APIClient

from conftest import authenticated_client
from follows.services import block_create
from lists import urls as lists_urls
from lists.models import FilmList, ListItem, ListLike
from lists.tests.utils import (
    LISTS_URL,
    add_like,
    assert_consistent,
    item_url,
    items_url,
    like_url,
    list_url,
    make_list,
    movie_lists_url,
    movie_order,
    result_ids,
    snapshot,
)
from movies.models import Movie
from tests.factories import MovieFactory, UserFactory

ANONYMOUS, OWNER, OTHER, ADMIN, BLOCKED = "anonymous", "owner", "other user", "admin", "blocked user"
ACTORS = (ANONYMOUS, OWNER, OTHER, ADMIN, BLOCKED)


@dataclass
class World:
    users: dict[str, Any]
    films: list[Movie]  # films[0] and films[1] are in the public list, films[0] in the private one.
    spare: Movie  # In no list.
    public: FilmList
    private: FilmList

    @property
    def owner(self):
        return self.users[OWNER]

    def item(self, film_list: FilmList, index: int = 0) -> ListItem:
        return ListItem.objects.filter(film_list=film_list).order_by("position")[index]


@pytest.fixture
def world(db) -> World:
    owner, blocked = UserFactory(), UserFactory()
    films = MovieFactory.create_batch(2)
    public = make_list(owner, films, name="Public one")
    private = make_list(owner, films[:1], name="Private one", public=False)
    block_create(blocker=owner, blocked=blocked)
    return World(
        users={
            ANONYMOUS: None,
            OWNER: owner,
            OTHER: UserFactory(),
            ADMIN: UserFactory(is_staff=True, is_superuser=True),
            BLOCKED: blocked,
        },
        films=films,
        spare=MovieFactory(),
        public=public,
        private=private,
    )


def client_for(user) -> APIClient:
    return APIClient() if user is None else authenticated_client(user)


# --- Writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    method: str
    url: Callable[[World], str]
    expected: dict[str, int]
    # After a success: does the database hold what the actor asked for?
    happened: Callable[[World, Any], bool]
    payload: Callable[[World], dict | None] = lambda w: None
    setup: Callable[[World], None] = lambda w: None
    # The error code for an actor, when it is not the status's usual one.
    error_codes: dict[str, str] = field(default_factory=dict)


def _list(film_list: FilmList) -> FilmList | None:
    return FilmList.objects.filter(pk=film_list.pk).first()


def _liked_by(w: World, actor) -> bool:
    likers = list(ListLike.objects.filter(film_list=w.public).values_list("user_id", flat=True))
    return likers == [actor.pk] and _list(w.public).like_count == 1  # type: ignore[union-attr]


def _likes_before_the_block(w: World) -> None:
    for name in (OTHER, ADMIN, BLOCKED):
        add_like(w.users[name], w.public)


def _unliked_by(w: World, actor) -> bool:
    likers = set(ListLike.objects.filter(film_list=w.public).values_list("user_id", flat=True))
    return actor.pk not in likers and _list(w.public).like_count == len(likers) == 2  # type: ignore[union-attr]


def _spare_added(film_list_of: Callable[[World], FilmList]):
    def happened(w: World, actor) -> bool:
        film_list = film_list_of(w)
        assert_consistent(film_list)
        return movie_order(film_list)[0] == w.spare.pk

    return happened


def _moved_down(w: World, actor) -> bool:
    assert_consistent(w.public)
    return movie_order(w.public) == [w.films[1].pk, w.films[0].pk] and w.item(w.public, 1).note == "Second now"


OWNER_WRITES = {ANONYMOUS: 401, OWNER: 200, OTHER: 403, ADMIN: 403, BLOCKED: 403}
OWNER_ONLY = {ANONYMOUS: 401, OWNER: 200, OTHER: 404, ADMIN: 404, BLOCKED: 404}
BLOCKED_CODE = {BLOCKED: "blocked"}


def _for_status(expected: dict[str, int], status: int) -> dict[str, int]:
    return {actor: status if code == 200 else code for actor, code in expected.items()}


WRITES = {
    "POST list": Write(
        "post",
        lambda w: LISTS_URL,
        {ANONYMOUS: 401, OWNER: 201, OTHER: 201, ADMIN: 201, BLOCKED: 201},
        lambda w, actor: FilmList.objects.get(name="Mine").owner_id == actor.pk,
        payload=lambda w: {"name": "Mine", "public": False},
    ),
    "PATCH public list": Write(
        "patch",
        lambda w: list_url(w.public.pk),
        OWNER_WRITES,
        lambda w, actor: _list(w.public).name == "Renamed" and not _list(w.public).public,  # type: ignore[union-attr]
        payload=lambda w: {"name": "Renamed", "public": False},
        error_codes=BLOCKED_CODE,
    ),
    "PATCH private list": Write(
        "patch",
        lambda w: list_url(w.private.pk),
        OWNER_ONLY,
        lambda w, actor: _list(w.private).description == "Shh",  # type: ignore[union-attr]
        payload=lambda w: {"description": "Shh"},
    ),
    "DELETE public list": Write(
        "delete",
        lambda w: list_url(w.public.pk),
        {ANONYMOUS: 401, OWNER: 204, OTHER: 403, ADMIN: 204, BLOCKED: 403},
        lambda w, actor: _list(w.public) is None and not ListItem.objects.filter(film_list_id=w.public.pk).exists(),
        error_codes=BLOCKED_CODE,
    ),
    "DELETE private list": Write(
        "delete",
        lambda w: list_url(w.private.pk),
        _for_status(OWNER_ONLY, 204),
        lambda w, actor: _list(w.private) is None and _list(w.public) is not None,
    ),
    "PUT like": Write(
        "put",
        lambda w: like_url(w.public.pk),
        {ANONYMOUS: 401, OWNER: 400, OTHER: 201, ADMIN: 201, BLOCKED: 403},
        _liked_by,
        error_codes={OWNER: "invalid", BLOCKED: "blocked"},
    ),
    "PUT like of a private list": Write(
        "put",
        lambda w: like_url(w.private.pk),
        {ANONYMOUS: 401, OWNER: 400, OTHER: 404, ADMIN: 404, BLOCKED: 404},
        lambda w, actor: False,
        error_codes={OWNER: "invalid"},
    ),
    "DELETE like": Write(
        "delete",
        lambda w: like_url(w.public.pk),
        {ANONYMOUS: 401, OWNER: 204, OTHER: 204, ADMIN: 204, BLOCKED: 204},
        lambda w, actor: actor == w.owner or _unliked_by(w, actor),
        setup=_likes_before_the_block,
    ),
    "POST item": Write(
        "post",
        lambda w: items_url(w.public.pk),
        _for_status(OWNER_WRITES, 201),
        _spare_added(lambda w: w.public),
        payload=lambda w: {"movie": w.spare.pk, "position": 1, "note": "New"},
        error_codes=BLOCKED_CODE,
    ),
    "POST item to a private list": Write(
        "post",
        lambda w: items_url(w.private.pk),
        _for_status(OWNER_ONLY, 201),
        _spare_added(lambda w: w.private),
        payload=lambda w: {"movie": w.spare.pk, "position": 1},
    ),
    "PATCH item": Write(
        "patch",
        lambda w: item_url(w.public.pk, w.item(w.public).pk),
        OWNER_WRITES,
        _moved_down,
        payload=lambda w: {"position": 2, "note": "Second now"},
        error_codes=BLOCKED_CODE,
    ),
    "PATCH item of a private list": Write(
        "patch",
        lambda w: item_url(w.private.pk, w.item(w.private).pk),
        OWNER_ONLY,
        lambda w, actor: w.item(w.private).note == "Edited",
        payload=lambda w: {"note": "Edited"},
    ),
    "DELETE item": Write(
        "delete",
        lambda w: item_url(w.public.pk, w.item(w.public).pk),
        _for_status(OWNER_WRITES, 204),
        lambda w, actor: movie_order(w.public) == [w.films[1].pk] and _list(w.public).item_count == 1,  # type: ignore[union-attr]
        error_codes=BLOCKED_CODE,
    ),
    "DELETE item of a private list": Write(
        "delete",
        lambda w: item_url(w.private.pk, w.item(w.private).pk),
        _for_status(OWNER_ONLY, 204),
        lambda w, actor: movie_order(w.private) == [] and _list(w.private).item_count == 0,  # type: ignore[union-attr]
    ),
}

WRITE_CASES = [
    pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
    for name, write in WRITES.items()
    for actor, status in write.expected.items()
]


@pytest.mark.parametrize(("name", "actor", "expected_status"), WRITE_CASES)
def test_write_permissions(world, name, actor, expected_status):
    write = WRITES[name]
    user = world.users[actor]
    write.setup(world)
    url, payload = write.url(world), write.payload(world)
    before = snapshot()

    response = getattr(client_for(user), write.method)(url, payload, format="json")

    assert response.status_code == expected_status, response.content
    if expected_status < 300:
        assert write.happened(world, user), snapshot()
        return
    body = response.json()
    assert body["status"] == expected_status
    default_codes = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
    assert body["code"] == write.error_codes.get(actor, default_codes.get(expected_status)), body
    assert snapshot() == before


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    url: Callable[[World], str]
    expected: dict[str, int]
    # After a 200: the ids of the lists the actor sees (None: a single list, checked by its id).
    shows: Callable[[World, Any], list[int]]


def _own(w: World, actor) -> list[int]:
    return [w.private.pk, w.public.pk] if actor == w.owner else []


def _owners(w: World, actor) -> list[int]:
    if actor == w.users[BLOCKED]:
        return []
    return [w.private.pk, w.public.pk] if actor == w.owner else [w.public.pk]


def _films_lists(w: World, actor) -> list[int]:
    return [] if actor == w.users[BLOCKED] else [w.public.pk]


ALL_BUT_BLOCKED = {ANONYMOUS: 200, OWNER: 200, OTHER: 200, ADMIN: 200, BLOCKED: 404}
ALL_SEE = {ANONYMOUS: 200, OWNER: 200, OTHER: 200, ADMIN: 200, BLOCKED: 200}
OWNER_SEES = {ANONYMOUS: 404, OWNER: 200, OTHER: 404, ADMIN: 404, BLOCKED: 404}

READS = {
    "GET lists": Read(lambda w: LISTS_URL, {**ALL_SEE, ANONYMOUS: 400}, _own),
    "GET a member's lists": Read(lambda w: f"{LISTS_URL}?user={w.owner.username.upper()}", ALL_SEE, _owners),
    "GET a film's lists": Read(lambda w: movie_lists_url(w.films[0].pk), ALL_SEE, _films_lists),
    "GET public list": Read(lambda w: list_url(w.public.pk), ALL_BUT_BLOCKED, lambda w, actor: [w.public.pk]),
    "GET private list": Read(lambda w: list_url(w.private.pk), OWNER_SEES, lambda w, actor: [w.private.pk]),
    "GET items": Read(lambda w: items_url(w.public.pk), ALL_BUT_BLOCKED, lambda w, actor: [f.pk for f in w.films]),
    "GET items of a private list": Read(
        lambda w: items_url(w.private.pk), OWNER_SEES, lambda w, actor: [w.films[0].pk]
    ),
}


def _seen(response) -> list[int]:
    body = response.json()
    if "results" not in body:
        return [body["id"]]
    if body["results"] and "movie" in body["results"][0]:
        return [row["movie"]["id"] for row in body["results"]]  # Items: in list order.
    return sorted(result_ids(response))


@pytest.mark.parametrize(
    ("name", "actor", "expected_status"),
    [
        pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
        for name, read in READS.items()
        for actor, status in read.expected.items()
    ],
)
def test_read_permissions(world, name, actor, expected_status):
    read = READS[name]
    user = world.users[actor]
    before = snapshot()

    response = client_for(user).get(read.url(world))

    assert response.status_code == expected_status, response.content
    if expected_status == 200:
        expected = read.shows(world, user)
        assert _seen(response) == (expected if name.startswith("GET items") else sorted(expected)), response.json()
    else:
        body = response.json()
        assert body["code"] == {400: "invalid", 404: "not_found"}[expected_status], body
        assert "Private one" not in response.content.decode()
    assert snapshot() == before


def test_the_matrices_cover_every_lists_route_for_every_caller():
    stub = SimpleNamespace(pk=1, username="someone")
    fake = World(users={OWNER: stub}, films=[stub], spare=stub, public=stub, private=stub)  # type: ignore[arg-type]
    fake.item = lambda film_list, index=0: stub  # type: ignore[method-assign]
    urls = [write.url(fake) for write in WRITES.values()] + [read.url(fake).split("?")[0] for read in READS.values()]
    covered = {resolve(url).url_name for url in urls}

    assert {pattern.name for pattern in lists_urls.urlpatterns} <= covered
    assert all(set(endpoint.expected) == set(ACTORS) for endpoint in [*WRITES.values(), *READS.values()])


# --- The block, seen from the blocker's side --------------------------------------------------


def test_the_blocker_loses_sight_of_the_blocked_members_lists_and_cannot_like_them(world):
    blocked = world.users[BLOCKED]
    theirs = make_list(blocked, world.films[:1], name="Theirs")
    owner = client_for(world.owner)
    before = snapshot()

    assert owner.get(list_url(theirs.pk)).status_code == 404
    assert owner.get(items_url(theirs.pk)).status_code == 404
    assert result_ids(owner.get(LISTS_URL, {"user": blocked.username})) == []
    assert result_ids(owner.get(movie_lists_url(world.films[0].pk))) == [world.public.pk]
    response = owner.put(like_url(theirs.pk))
    assert (response.status_code, response.json()["code"]) == (403, "blocked")
    assert snapshot() == before
    # Anonymous readers and third parties still see both sides.
    assert sorted(result_ids(APIClient().get(movie_lists_url(world.films[0].pk)))) == [world.public.pk, theirs.pk]
