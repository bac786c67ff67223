"""Every activity endpoint for each of four callers (anonymous, the owner, another user, an admin): the status and
what reached the database. Private diaries and watchlists are a 404 to everyone but their owner, admins included."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import resolve
from rest_framework.test import APIClient

from activity import services
from activity import urls as activity_urls
from activity.models import DiaryEntry, Dismissal, MovieLike, MovieMark, WatchlistEntry
from activity.tests.utils import (
    DIARY_URL,
    DISMISSED_URL,
    MARK_URLS,
    ME_URL,
    WATCHLIST_URL,
    entry_url,
    member_diary_url,
    member_watchlist_url,
    movie_ids,
    profile_url,
    result_ids,
    review_like_url,
    snapshot,
)
from conftest import authenticated_client
from movies.models import Movie
from reviews.models import Review, ReviewLike
from reviews.services import review_like
from tests.factories import MovieFactory, ReviewFactory, UserFactory

ANONYMOUS, OWNER, OTHER, ADMIN = "anonymous", "owner", "other user", "admin"
ACTORS = (ANONYMOUS, OWNER, OTHER, ADMIN)


@dataclass
class World:
    users: dict[str, Any]
    movie: Movie  # The owner reviewed, logged, liked, dismissed and watchlisted it.
    spare: Movie  # Nobody has done anything with it.
    review: Review
    entry: DiaryEntry

    @property
    def owner(self):
        return self.users[OWNER]


def make_world(*, diary_public: bool = True, watchlist_public: bool = True) -> World:
    owner = UserFactory(diary_public=diary_public, watchlist_public=watchlist_public)
    movie = MovieFactory()
    review = ReviewFactory(user=owner, movie=movie, rating=3)
    entry = DiaryEntry.objects.create(user=owner, movie=movie, watched_on="2024-03-01", rating=3, review=review)
    for model in (WatchlistEntry, MovieLike, Dismissal):
        services.movie_mark(model=model, user=owner, movie=movie)
    return World(
        users={
            ANONYMOUS: None,
            OWNER: owner,
            OTHER: UserFactory(),
            ADMIN: UserFactory(is_staff=True, is_superuser=True),
        },
        movie=movie,
        spare=MovieFactory(),
        review=review,
        entry=entry,
    )


@pytest.fixture
def world(db) -> World:
    return make_world()


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
    # Runs before the request (e.g. gives each actor something to delete).
    setup: Callable[[World, Any], None] = lambda w, actor: None
    error_codes: dict[int, str] = field(default_factory=dict)


def _entry(w: World) -> DiaryEntry | None:
    return DiaryEntry.objects.filter(pk=w.entry.pk).first()


def _mark_put(model: type[MovieMark]) -> Write:
    def happened(w: World, actor) -> bool:
        marks = model.objects.filter(movie=w.spare)
        liked_right = model is not MovieLike or Movie.objects.get(pk=w.spare.pk).like_count == 1
        return list(marks.values_list("user_id", flat=True)) == [actor.pk] and liked_right

    return Write(
        "put", lambda w: MARK_URLS[model](w.spare.pk), {ANONYMOUS: 401, OWNER: 201, OTHER: 201, ADMIN: 201}, happened
    )


def _mark_delete(model: type[MovieMark]) -> Write:
    """Everyone but the anonymous caller has the mark on the spare film; DELETE takes off the caller's only."""

    def setup(w: World, actor) -> None:
        for user in (w.users[OWNER], w.users[OTHER], w.users[ADMIN]):
            services.movie_mark(model=model, user=user, movie=w.spare)

    def happened(w: World, actor) -> bool:
        left = set(model.objects.filter(movie=w.spare).values_list("user_id", flat=True))
        liked_right = model is not MovieLike or Movie.objects.get(pk=w.spare.pk).like_count == 2
        others = {w.users[name].pk for name in (OWNER, OTHER, ADMIN)} - {actor.pk}
        return left == others and liked_right

    return Write(
        "delete",
        lambda w: MARK_URLS[model](w.spare.pk),
        {ANONYMOUS: 401, OWNER: 204, OTHER: 204, ADMIN: 204},
        happened,
        setup=setup,
    )


def _review_like_setup(w: World, actor) -> None:
    for name in (OTHER, ADMIN):
        review_like(user=w.users[name], review=w.review)


def _review_unliked(w: World, actor) -> bool:
    likers = set(ReviewLike.objects.filter(review=w.review).values_list("user_id", flat=True))
    return actor.pk not in likers and Review.objects.get(pk=w.review.pk).like_count == len(likers)


WRITES = {
    "POST diary": Write(
        "post",
        lambda w: DIARY_URL,
        {ANONYMOUS: 401, OWNER: 201, OTHER: 201, ADMIN: 201},
        lambda w, actor: DiaryEntry.objects.filter(movie=w.spare).get().user_id == actor.pk,
        payload=lambda w: {"movie": w.spare.pk, "watched_on": "2024-05-01", "rewatch": True},
    ),
    "PATCH diary entry": Write(
        "patch",
        lambda w: entry_url(w.entry.pk),
        {ANONYMOUS: 401, OWNER: 200, OTHER: 404, ADMIN: 404},
        lambda w, actor: _entry(w).rewatch is True and str(_entry(w).watched_on) == "2024-02-02",
        payload=lambda w: {"rewatch": True, "watched_on": "2024-02-02"},
    ),
    "DELETE diary entry": Write(
        "delete",
        lambda w: entry_url(w.entry.pk),
        {ANONYMOUS: 401, OWNER: 204, OTHER: 404, ADMIN: 404},
        lambda w, actor: _entry(w) is None and Review.objects.filter(pk=w.review.pk).exists(),
    ),
    **{f"PUT {model.__name__}": _mark_put(model) for model in MARK_URLS},
    **{f"DELETE {model.__name__}": _mark_delete(model) for model in MARK_URLS},
    "PUT review like": Write(
        "put",
        lambda w: review_like_url(w.review.pk),
        {ANONYMOUS: 401, OWNER: 400, OTHER: 201, ADMIN: 201},
        lambda w, actor: (
            list(ReviewLike.objects.values_list("user_id", flat=True)) == [actor.pk]
            and Review.objects.get(pk=w.review.pk).like_count == 1
        ),
        error_codes={400: "invalid"},
    ),
    "DELETE review like": Write(
        "delete",
        lambda w: review_like_url(w.review.pk),
        {ANONYMOUS: 401, OWNER: 204, OTHER: 204, ADMIN: 204},
        _review_unliked,
        setup=_review_like_setup,
    ),
    "PATCH privacy": Write(
        "patch",
        lambda w: ME_URL,
        {ANONYMOUS: 401, OWNER: 200, OTHER: 200, ADMIN: 200},
        lambda w, actor: not type(actor).objects.get(pk=actor.pk).diary_public,
        payload=lambda w: {"diary_public": False},
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
    write.setup(world, user)
    before = snapshot()
    owner_before = type(world.owner).objects.values_list("diary_public", "watchlist_public").get(pk=world.owner.pk)

    response = getattr(client_for(user), write.method)(write.url(world), write.payload(world), format="json")

    assert response.status_code == expected_status, response.content
    if expected_status < 300:
        assert write.happened(world, user), snapshot()
        return
    body = response.json()
    assert body["status"] == expected_status
    default_codes = {401: "not_authenticated", 404: "not_found"}
    assert body["code"] == write.error_codes.get(expected_status, default_codes.get(expected_status)), body
    assert snapshot() == before
    assert type(world.owner).objects.values_list("diary_public", "watchlist_public").get(pk=world.owner.pk) == (
        owner_before
    )


def test_the_matrices_cover_every_activity_route_for_every_caller():
    stub = SimpleNamespace(pk=1, username="someone")
    fake = World(users={OWNER: stub}, movie=stub, spare=stub, review=stub, entry=stub)  # type: ignore[arg-type]
    urls = [write.url(fake) for write in WRITES.values()] + [read.url(fake) for read in READS.values()]
    covered = {resolve(url).url_name for url in [*urls, profile_url("someone")]}

    routes = {pattern.name for pattern in [*activity_urls.urlpatterns, *activity_urls.member_urlpatterns]}
    assert routes <= covered, routes - covered
    assert "review-like" in covered
    assert all(set(endpoint.expected) == set(ACTORS) for endpoint in [*WRITES.values(), *READS.values()])


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    url: Callable[[World], str]
    expected: dict[str, int]
    # After a 200: what the body must show the actor.
    shows: Callable[[World, Any, Any], bool]


def _own_diary(w: World, actor, response) -> bool:
    return result_ids(response) == ([w.entry.pk] if actor == w.owner else [])


def _own_watchlist(w: World, actor, response) -> bool:
    return movie_ids(response) == ([w.movie.pk] if actor == w.owner else [])


def _owners_diary(w: World, actor, response) -> bool:
    return result_ids(response) == [w.entry.pk]


def _owners_watchlist(w: World, actor, response) -> bool:
    return movie_ids(response) == [w.movie.pk]


ALL_SEE = {ANONYMOUS: 200, OWNER: 200, OTHER: 200, ADMIN: 200}
OWNER_ONLY = {ANONYMOUS: 404, OWNER: 200, OTHER: 404, ADMIN: 404}
SIGNED_IN = {ANONYMOUS: 401, OWNER: 200, OTHER: 200, ADMIN: 200}

READS = {
    "GET diary": Read(lambda w: DIARY_URL, SIGNED_IN, _own_diary),
    "GET diary entry": Read(
        lambda w: entry_url(w.entry.pk),
        {ANONYMOUS: 401, OWNER: 200, OTHER: 404, ADMIN: 404},
        lambda w, actor, response: response.json()["id"] == w.entry.pk and response.json()["review"] == w.review.pk,
    ),
    "GET watchlist": Read(lambda w: WATCHLIST_URL, SIGNED_IN, _own_watchlist),
    "GET dismissed": Read(lambda w: DISMISSED_URL, SIGNED_IN, _own_watchlist),
    "GET public diary": Read(lambda w: member_diary_url(w.owner.username), ALL_SEE, _owners_diary),
    "GET public watchlist": Read(lambda w: member_watchlist_url(w.owner.username), ALL_SEE, _owners_watchlist),
}

PRIVATE_READS = {
    "GET private diary": (
        {"diary_public": False},
        Read(lambda w: member_diary_url(w.owner.username), OWNER_ONLY, _owners_diary),
    ),
    "GET private watchlist": (
        {"watchlist_public": False},
        Read(lambda w: member_watchlist_url(w.owner.username), OWNER_ONLY, _owners_watchlist),
    ),
}


def _check_read(world: World, read: Read, actor: str, expected_status: int) -> None:
    user = world.users[actor]
    before = snapshot()

    response = client_for(user).get(read.url(world))

    assert response.status_code == expected_status, response.content
    if expected_status == 200:
        assert read.shows(world, user, response), response.json()
    else:
        body = response.json()
        assert body["code"] == {401: "not_authenticated", 404: "not_found"}[expected_status]
        assert world.owner.username not in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "actor", "expected_status"),
    [
        pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
        for name, read in READS.items()
        for actor, status in read.expected.items()
    ],
)
def test_read_permissions(world, name, actor, expected_status):
    _check_read(world, READS[name], actor, expected_status)


@pytest.mark.parametrize(
    ("name", "actor", "expected_status"),
    [
        pytest.param(name, actor, status, id=f"{name} as {actor} -> {status}")
        for name, (_, read) in PRIVATE_READS.items()
        for actor, status in read.expected.items()
    ],
)
def test_private_read_permissions(db, name, actor, expected_status):
    privacy, read = PRIVATE_READS[name]
    _check_read(make_world(**privacy), read, actor, expected_status)


def test_a_private_diary_leaves_the_watchlist_public_and_the_other_way_round(db):
    private_diary = make_world(diary_public=False)
    private_watchlist = make_world(watchlist_public=False)
    stranger = APIClient()

    assert stranger.get(member_watchlist_url(private_diary.owner.username)).status_code == 200
    assert stranger.get(member_diary_url(private_diary.owner.username)).status_code == 404
    assert stranger.get(member_diary_url(private_watchlist.owner.username)).status_code == 200
    assert stranger.get(member_watchlist_url(private_watchlist.owner.username)).status_code == 404


def test_making_a_diary_private_through_the_api_hides_it_at_once(world):
    other = client_for(world.users[OTHER])
    assert other.get(member_diary_url(world.owner.username)).status_code == 200

    response = client_for(world.owner).patch(ME_URL, {"diary_public": False}, format="json")

    assert response.status_code == 200
    assert response.json()["diary_public"] is False
    assert other.get(member_diary_url(world.owner.username)).status_code == 404
    assert client_for(world.users[ADMIN]).get(member_diary_url(world.owner.username)).status_code == 404
    assert client_for(world.owner).get(member_diary_url(world.owner.username)).status_code == 200


@pytest.mark.parametrize("url", [member_diary_url, member_watchlist_url, profile_url])
def test_unknown_and_inactive_members_are_404(world, url):
    inactive = UserFactory(is_active=False)
    admin = client_for(world.users[ADMIN])

    assert admin.get(url("nobody-here")).status_code == 404
    assert admin.get(url(inactive.username)).status_code == 404


# --- Profile stats ----------------------------------------------------------------------------

STAT_KEYS = {"films_watched", "films_this_year", "diary_entries", "reviews", "likes", "watchlist"}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("privacy", "hidden"),
    [
        ({}, set()),
        ({"diary_public": False}, {"diary_entries", "films_this_year"}),
        ({"watchlist_public": False}, {"watchlist"}),
        ({"diary_public": False, "watchlist_public": False}, {"diary_entries", "films_this_year", "watchlist"}),
    ],
)
def test_profile_stats_hide_private_counts_from_everyone_but_the_owner(db, actor, privacy, hidden):
    world = make_world(**privacy)
    user = world.users[actor]

    response = client_for(user).get(profile_url(world.owner.username))

    assert response.status_code == 200
    stats = response.json()["stats"]
    assert set(stats) == STAT_KEYS
    shown_as_null = {key for key, value in stats.items() if value is None}
    assert shown_as_null == (set() if actor == OWNER else hidden)
    assert stats["films_watched"] == 1
    assert stats["reviews"] == 1
    assert stats["likes"] == 1
    if "diary_entries" not in shown_as_null:
        assert stats["diary_entries"] == 1
    if "watchlist" not in shown_as_null:
        assert stats["watchlist"] == 1
