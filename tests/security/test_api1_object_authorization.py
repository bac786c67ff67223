"""API1:2023 Broken Object Level Authorization.

Every API route that names one thing in its path (an id, a username, a slug), read from the URL resolver, with every
method it answers, is tried by four people: anonymous, the thing's owner, another member and an admin. Each gets the
status the table says; a refused request changes nothing in the database; a request on a route that acts on the
caller's own things (a like, a watchlist entry) never touches the owner's; and no read shows anyone else the
owner's private things (a private diary, watchlist or list, an import job) or moderated ones (a hidden review or
comment, which their author and admins still read). A route missing from the table fails the first test.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import User
from activity.models import Dismissal, MovieLike, WatchedMark, WatchlistEntry
from notifications.models import Notification
from tests.security.routes import object_routes
from tests.security.support import ADMIN, ANONYMOUS, MODERATED, OTHER, OWNER, OWNER_ONLY, World, fingerprint

pytestmark = pytest.mark.django_db

Url = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    url: Url
    expected: dict[str, int]
    label: str = ""  # which of the route's things, when it has several
    body: dict | Callable[[World], dict] | None = None
    setup: Callable[[World], None] | None = None  # changes the world for this case only
    owner_state: Callable[[World], Any] | None = None  # what no one but the owner may change here

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.route}" + (f" ({self.label})" if self.label else "")


def statuses(anonymous: int, owner: int, other: int, admin: int) -> dict[str, int]:
    return {ANONYMOUS: anonymous, OWNER: owner, OTHER: other, ADMIN: admin}


def everyone(status: int) -> dict[str, int]:
    return statuses(status, status, status, status)


def owner_alone(status: int) -> dict[str, int]:
    """The owner's thing: a 401 to anonymous callers, a 404 to everyone else (admins included)."""
    return statuses(401, status, 404, 404)


def owner_reads(status: int = 200) -> dict[str, int]:
    """Private to the owner, also from anonymous callers (a 404: the public API does not say it exists)."""
    return statuses(404, status, 404, 404)


def moderated(status: int = 200) -> dict[str, int]:
    """Hidden by moderation: its author and admins still see it."""
    return statuses(404, status, 404, status)


def members(status: int) -> dict[str, int]:
    return statuses(401, status, status, status)


def admins(status: int) -> dict[str, int]:
    return statuses(401, 403, 403, status)


def make_public(part: str) -> Callable[[World], None]:
    def setup(world: World) -> None:
        User.objects.filter(pk=world.user_ids[OWNER]).update(**{f"{part}_public": True})

    return setup


def marks_of_owner(model: type) -> Callable[[World], Any]:
    def state(world: World) -> list[int]:
        return sorted(model.objects.filter(user_id=world.user_ids[OWNER]).values_list("movie_id", flat=True))

    return state


def own_marks(route: str, url: Callable[[int], str], model: type) -> list[Case]:
    """A route on the caller's own mark of a film: every member marks for themselves, never for the owner."""
    state = marks_of_owner(model)
    return [
        Case(route, "put", lambda w: url(w.fresh_movie), members(201), owner_state=state),
        Case(route, "delete", lambda w: url(w.movie), members(204), owner_state=state),
    ]


def detail(prefix: str, attribute: str, suffix: str = "") -> Url:
    return lambda w: f"/api/{prefix}/{getattr(w, attribute)}/{suffix}"


def item_url(list_attribute: str, item_attribute: str) -> Url:
    return lambda w: f"/api/lists/{getattr(w, list_attribute)}/items/{getattr(w, item_attribute)}/"


def member_url(suffix: str = "") -> Url:
    return lambda w: f"/api/users/{w.usernames[OWNER]}/{suffix}"


def genre_url(prefix: str = "genres") -> Url:
    return lambda w: f"/api/{prefix}/{w.genre_slug}/"


def new_item(world: World) -> dict:
    return {"movie": world.fresh_movie}


NOTE = {"note": "Changed"}
COMMENT = {"body": "Well said."}
REVISED = {"rating": 2, "body": "Changed my mind."}
FIVE = {"rating": 5}
PRIVATE, PUBLIC, VISIBLE, HIDDEN = "private", "public", "visible", "hidden"
ELSEWHERE = "another list's item"

ACTIVITY = [
    Case("diary-detail", "get", detail("diary", "diary_entry"), owner_alone(200)),
    Case("diary-detail", "patch", detail("diary", "diary_entry"), owner_alone(200), body={"rewatch": True}),
    Case("diary-detail", "delete", detail("diary", "diary_entry"), owner_alone(204)),
    *own_marks("watchlist-entry", lambda movie: f"/api/watchlist/{movie}/", WatchlistEntry),
    *own_marks("movie-watched", lambda movie: f"/api/movies/{movie}/watched/", WatchedMark),
    *own_marks("movie-like", lambda movie: f"/api/movies/{movie}/like/", MovieLike),
    *own_marks("dismissal", lambda movie: f"/api/recommendations/dismissed/{movie}/", Dismissal),
    Case("member-diary", "get", member_url("diary/"), owner_reads(), PRIVATE),
    Case("member-diary", "get", member_url("diary/"), everyone(200), PUBLIC, setup=make_public("diary")),
    Case("member-watchlist", "get", member_url("watchlist/"), owner_reads(), PRIVATE),
    Case("member-watchlist", "get", member_url("watchlist/"), everyone(200), PUBLIC, setup=make_public("watchlist")),
    Case("profile", "get", member_url(), everyone(200)),
]

FOLLOWS = [
    Case("follow", "put", member_url("follow/"), statuses(401, 400, 200, 201)),
    Case("follow", "delete", member_url("follow/"), members(204)),
    Case("block", "put", member_url("block/"), statuses(401, 400, 201, 201)),
    Case("block", "delete", member_url("block/"), members(204)),
    Case("followers", "get", member_url("followers/"), everyone(200)),
    Case("following", "get", member_url("following/"), everyone(200)),
]

LISTS = [
    Case("list-detail", "get", detail("lists", "public_list"), everyone(200), PUBLIC),
    Case("list-detail", "get", detail("lists", "private_list"), owner_reads(), PRIVATE),
    Case("list-detail", "patch", detail("lists", "public_list"), statuses(401, 200, 403, 403), PUBLIC, {"name": "X"}),
    Case("list-detail", "patch", detail("lists", "private_list"), owner_alone(200), PRIVATE, {"public": True}),
    Case("list-detail", "delete", detail("lists", "public_list"), statuses(401, 204, 403, 204), PUBLIC),
    Case("list-detail", "delete", detail("lists", "private_list"), owner_alone(204), PRIVATE),
    Case("list-like", "put", detail("lists", "public_list", "like/"), statuses(401, 400, 200, 201), PUBLIC),
    Case("list-like", "put", detail("lists", "private_list", "like/"), statuses(401, 400, 404, 404), PRIVATE),
    Case("list-like", "delete", detail("lists", "public_list", "like/"), members(204), PUBLIC),
    Case("list-like", "delete", detail("lists", "private_list", "like/"), owner_alone(204), PRIVATE),
    Case("list-items", "get", detail("lists", "public_list", "items/"), everyone(200), PUBLIC),
    Case("list-items", "get", detail("lists", "private_list", "items/"), owner_reads(), PRIVATE),
    Case(
        "list-items", "post", detail("lists", "public_list", "items/"), statuses(401, 201, 403, 403), PUBLIC, new_item
    ),
    Case("list-items", "post", detail("lists", "private_list", "items/"), owner_alone(201), PRIVATE, new_item),
    Case("list-item", "patch", item_url("public_list", "public_item"), statuses(401, 200, 403, 403), PUBLIC, NOTE),
    Case("list-item", "patch", item_url("private_list", "private_item"), owner_alone(200), PRIVATE, NOTE),
    Case("list-item", "patch", item_url("public_list", "private_item"), statuses(401, 404, 403, 403), ELSEWHERE, NOTE),
    Case("list-item", "delete", item_url("public_list", "public_item"), statuses(401, 204, 403, 403), PUBLIC),
    Case("list-item", "delete", item_url("private_list", "private_item"), owner_alone(204), PRIVATE),
    Case("list-item", "delete", item_url("public_list", "private_item"), statuses(401, 404, 403, 403), ELSEWHERE),
    Case("movie-lists", "get", detail("movies", "movie", "lists/"), everyone(200)),
]

COMMENTS = [
    Case("review-comments", "get", detail("reviews", "review", "comments/"), everyone(200), VISIBLE),
    Case("review-comments", "get", detail("reviews", "hidden_review", "comments/"), moderated(), HIDDEN),
    Case("review-comments", "post", detail("reviews", "review", "comments/"), members(201), VISIBLE, COMMENT),
    Case(
        "review-comments",
        "post",
        detail("reviews", "hidden_review", "comments/"),
        moderated(201) | {ANONYMOUS: 401},
        HIDDEN,
        COMMENT,
    ),
    Case("list-comments", "get", detail("lists", "public_list", "comments/"), everyone(200), PUBLIC),
    Case("list-comments", "get", detail("lists", "private_list", "comments/"), owner_reads(), PRIVATE),
    Case("list-comments", "post", detail("lists", "public_list", "comments/"), members(201), PUBLIC, COMMENT),
    Case("list-comments", "post", detail("lists", "private_list", "comments/"), owner_alone(201), PRIVATE, COMMENT),
    Case("comment-detail", "get", detail("comments", "comment"), everyone(200), VISIBLE),
    Case("comment-detail", "get", detail("comments", "hidden_comment"), moderated(), HIDDEN),
    Case("comment-detail", "get", detail("comments", "private_comment"), owner_reads(), PRIVATE),
    Case("comment-detail", "patch", detail("comments", "comment"), statuses(401, 200, 403, 403), VISIBLE, COMMENT),
    Case("comment-detail", "patch", detail("comments", "private_comment"), owner_alone(200), PRIVATE, COMMENT),
    Case("comment-detail", "delete", detail("comments", "comment"), statuses(401, 204, 403, 204), VISIBLE),
    Case("comment-detail", "delete", detail("comments", "hidden_comment"), statuses(401, 204, 404, 204), HIDDEN),
    Case("comment-detail", "delete", detail("comments", "private_comment"), owner_alone(204), PRIVATE),
]

REVIEWS = [
    Case("review-detail", "get", detail("reviews", "review"), everyone(200), VISIBLE),
    Case("review-detail", "get", detail("reviews", "hidden_review"), moderated(), HIDDEN),
    Case("review-detail", "put", detail("reviews", "review"), statuses(401, 200, 403, 403), VISIBLE, REVISED),
    Case("review-detail", "patch", detail("reviews", "review"), statuses(401, 200, 403, 403), VISIBLE, FIVE),
    Case("review-detail", "patch", detail("reviews", "hidden_review"), statuses(401, 200, 404, 403), HIDDEN, FIVE),
    Case("review-detail", "delete", detail("reviews", "review"), statuses(401, 204, 403, 204), VISIBLE),
    Case("review-detail", "delete", detail("reviews", "hidden_review"), statuses(401, 204, 404, 204), HIDDEN),
    Case("review-like", "put", detail("reviews", "review", "like/"), statuses(401, 400, 200, 201), VISIBLE),
    Case("review-like", "put", detail("reviews", "hidden_review", "like/"), statuses(401, 400, 404, 201), HIDDEN),
    Case("review-like", "delete", detail("reviews", "review", "like/"), members(204), VISIBLE),
    Case("review-like", "delete", detail("reviews", "hidden_review", "like/"), statuses(401, 204, 404, 204), HIDDEN),
    Case("movie-reviews", "get", detail("movies", "hidden_movie", "reviews/"), everyone(200)),
]

CATALOGUE = [
    Case("movie-detail", "get", detail("movies", "movie"), everyone(200)),
    Case("movie-detail", "put", detail("movies", "movie"), admins(200), body={"title": "Retitled"}),
    Case("movie-detail", "patch", detail("movies", "movie"), admins(200), body={"runtime": 99}),
    Case("movie-detail", "delete", detail("movies", "movie"), admins(204)),
    Case("genre-detail", "get", genre_url(), everyone(200)),
    Case("genre-detail", "put", genre_url(), admins(200), body={"name": "Neo-noir"}),
    Case("genre-detail", "patch", genre_url(), admins(200), body={"description": "Shadows."}),
    Case("genre-detail", "delete", genre_url(), admins(204)),
    # Past the permission check an admin learns that TMDB is not configured here.
    Case("movie-sync-tmdb", "post", detail("movies", "movie", "sync-tmdb/"), admins(503)),
    Case("movie-similar", "get", detail("movies", "movie", "similar/"), everyone(200)),
    Case("by-genre", "get", genre_url("recommendations/by-genre"), everyone(200)),
]

IMPORTS = [
    Case("import-detail", "get", detail("imports", "import_job"), owner_alone(200)),
    Case("import-detail", "delete", detail("imports", "import_job"), owner_alone(204)),
    Case("import-unmatched", "get", lambda w: f"/api/imports/{w.import_job}/unmatched.csv", owner_alone(200)),
]

CASES = [*ACTIVITY, *FOLLOWS, *LISTS, *COMMENTS, *REVIEWS, *CATALOGUE, *IMPORTS]


def test_every_object_route_and_method_is_in_the_table():
    routes = object_routes()
    expected = {(name, method) for name, route in routes.items() for method in route.methods}
    covered = {(case.route, case.method) for case in CASES}
    assert expected - covered == set(), "object routes with no row in the table"
    assert covered - expected == set(), "rows for routes or methods that do not exist"


def forbidden_markers(actor: str) -> tuple[str, ...]:
    """What the actor must never read: anonymous callers and other members neither, admins the owner's."""
    return {OWNER: (), ADMIN: (OWNER_ONLY,)}.get(actor, (OWNER_ONLY, MODERATED))


def send(world: World, case: Case, actor: str):
    body = case.body(world) if callable(case.body) else case.body
    return getattr(world.client(actor), case.method)(case.url(world), body, format="json")


@pytest.mark.parametrize(
    ("case", "actor"),
    [pytest.param(case, actor, id=f"{case.name} as {actor}") for case in CASES for actor in case.expected],
)
def test_each_person_gets_what_the_table_says_and_nothing_more(world, case, actor):
    if case.setup:
        case.setup(world)
    before = fingerprint()
    owner_before = case.owner_state(world) if case.owner_state else None

    response = send(world, case, actor)

    assert response.status_code == case.expected[actor], response.content[:300]
    if response.status_code >= 400 or case.method == "get":
        assert fingerprint() == before, "a refused request or a read changed the database"
    if case.owner_state and actor != OWNER:
        assert case.owner_state(world) == owner_before, "someone else's request changed the owner's things"
    text = response.content.decode()
    leaked = [marker for marker in forbidden_markers(actor) if marker in text]
    assert not leaked, f"{actor} read {leaked}"


COLLECTIONS_OF_ONES_OWN = [
    "/api/diary/",
    "/api/watchlist/",
    "/api/recommendations/dismissed/",
    "/api/lists/",
    "/api/imports/",
    "/api/notifications/",
    "/api/feed/",
    "/api/users/me/blocked/",
    "/api/reviews/",
    "/api/movies/{movie}/reviews/",
    "/api/movies/{hidden_movie}/reviews/",
    "/api/users/{owner}/",
]


@pytest.mark.parametrize("actor", [OTHER, ADMIN])
@pytest.mark.parametrize("path", COLLECTIONS_OF_ONES_OWN)
def test_lists_of_things_never_carry_someone_elses_private_ones(world, path, actor):
    url = path.format(movie=world.movie, hidden_movie=world.hidden_movie, owner=world.usernames[OWNER])

    response = world.client(actor).get(url)

    assert response.status_code == 200, response.content[:300]
    text = response.content.decode()
    assert not [marker for marker in forbidden_markers(actor) if marker in text]


@pytest.mark.parametrize("actor", [OTHER, ADMIN])
def test_marking_someone_elses_notifications_read_changes_nothing(world, actor):
    client = world.client(actor)

    response = client.post("/api/notifications/read/", {"ids": [world.notification]}, format="json")

    assert response.status_code == 200
    assert Notification.objects.get(pk=world.notification).read_at is None
    assert world.notification not in [row["id"] for row in client.get("/api/notifications/").json()["results"]]
