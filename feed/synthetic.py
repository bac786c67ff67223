"""Synthetic members, follows and activity at scale, for the feed's load benchmark.

Everything is drawn with numpy and written with ``core.bulk.insert_rows`` (COPY on PostgreSQL). Reviews, review
likes, diary entries and lists get explicit ids so that their events can point at them without reading them back;
the id sequences are moved past them at the end. Counters (a review's likes, a movie's ratings) are exact.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from accounts.models import User
from activity.models import DiaryEntry
from core.bulk import insert_rows, refresh_planner_statistics
from core.caching import catalogue_changed
from feed.models import Event, EventKind
from follows.models import Follow
from lists.models import FilmList
from movies.models import Movie
from reviews.models import Review, ReviewLike
from reviews.services import movie_aggregates_refresh

USERNAME_PREFIX = "social_"
# How the activity splits between the kinds (the rest of the events are review likes).
SHARES = {EventKind.REVIEW: 0.4, EventKind.DIARY_ENTRY: 0.35, EventKind.LIST: 0.05}
PRIVATE_DIARY_SHARE = 0.1
PRIVATE_LIST_SHARE = 0.15
HIDDEN_REVIEW_SHARE = 0.01
SPAN_US = 365 * 86400 * 1_000_000  # activity is spread over the last year
PHRASES = (
    "A quiet film that stays with you.", "Overlong, but the last act earns it.", "Gorgeous to look at.",
    "The score does half the work.", "Funnier than it has any right to be.", "I wanted to like it more.",
    "A rewatch made it better.", "Every frame a painting, every line a cliche.", "Pure joy.", "Not for me.",
)  # fmt: skip

Log = Callable[[str], None]


class SyntheticDataExists(Exception):
    pass


@dataclass(frozen=True)
class Sizes:
    users: int
    follows: int  # per user
    events: int
    movies: int  # created only when the database has no movies

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {kind: int(self.events * share) for kind, share in SHARES.items()}
        counts[EventKind.REVIEW_LIKE] = self.events - sum(counts.values())
        return counts


def generate(sizes: Sizes, seed: int, log: Log) -> dict[str, int]:
    """Create the members, follows and activity; return how many rows of each were written."""
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise SyntheticDataExists(f"Synthetic social data is already here ({USERNAME_PREFIX}* members).")
    _check_room(sizes, Movie.objects.count() or sizes.movies)
    rng = np.random.default_rng(seed)
    movie_ids = _movie_ids(rng, sizes.movies)
    log(f"{len(movie_ids):,} movies")
    users = _users(rng, sizes.users)
    log(f"{len(users.ids):,} members")
    follows = _insert_follows(rng, users.ids, sizes.follows)
    log(f"{follows:,} follows")
    counts = sizes.by_kind()
    activity = Activity(rng, users, movie_ids)
    activity.draw(counts)
    for table, written in activity.insert():
        log(f"{written:,} {table}")
    _reset_sequences()
    movie_aggregates_refresh(np.unique(activity.review_movies).tolist())
    catalogue_changed()
    log("movie ratings")
    _vacuum_events()
    refresh_planner_statistics()
    log("planner statistics")
    return {"users": len(users.ids), "follows": follows, **counts}


def _check_room(sizes: Sizes, n_movies: int) -> None:
    if min(sizes.users, sizes.events) < 1 or sizes.follows < 0:
        raise ValueError("--users and --events must be at least 1, --follows at least 0.")
    if sizes.follows >= sizes.users:
        raise ValueError("--follows must be less than --users (nobody follows themselves).")
    counts = sizes.by_kind()
    if counts[EventKind.REVIEW] > sizes.users * n_movies // 2:
        raise ValueError("Too many reviews for these members and movies (at most one per member and movie).")
    if counts[EventKind.REVIEW_LIKE] > sizes.users * max(counts[EventKind.REVIEW], 1) // 2:
        raise ValueError("Too many review likes for these members and reviews.")
    if counts[EventKind.REVIEW_LIKE] and not counts[EventKind.REVIEW]:
        raise ValueError("Review likes need reviews: give more --events.")


def _movie_ids(rng: np.random.Generator, n_movies: int) -> np.ndarray:
    """The catalogue's movies, or ``n_movies`` plain synthetic ones when it is empty."""
    ids = list(Movie.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        today = datetime.date.today()
        ages = rng.integers(0, 60 * 365, n_movies).tolist()
        movies = [
            Movie(title=f"Synthetic film {n}", release_date=today - datetime.timedelta(days=age), runtime=95)
            for n, age in enumerate(ages)
        ]
        ids = [movie.pk for movie in Movie.objects.bulk_create(movies, batch_size=5000)]
    return np.array(ids, dtype=np.int64)


@dataclass(frozen=True)
class Members:
    ids: np.ndarray
    diary_public: np.ndarray
    activity: np.ndarray  # each member's share of the activity (heavy-tailed)


def _users(rng: np.random.Generator, n_users: int) -> Members:
    diary_public = rng.random(n_users) >= PRIVATE_DIARY_SHARE
    users = User.objects.bulk_create(
        [
            User(username=f"{USERNAME_PREFIX}{n}", password="!", diary_public=bool(public))
            for n, public in enumerate(diary_public.tolist())
        ],
        batch_size=5000,
    )
    activity = rng.lognormal(0, 1, n_users)
    return Members(np.array([user.pk for user in users], dtype=np.int64), diary_public, activity / activity.sum())


def _insert_follows(rng: np.random.Generator, user_ids: np.ndarray, per_user: int) -> int:
    followers, followees = followee_pairs(rng, len(user_ids), per_user)
    now = _timestamps(np.array([_now_us()], dtype="datetime64[us]"))[0]
    rows = list(zip(user_ids[followers].tolist(), user_ids[followees].tolist(), [now] * len(followers), strict=True))
    insert_rows(Follow._meta.db_table, ("follower_id", "followee_id", "created_at"), rows, batch_size=100_000)
    return len(rows)


def followee_pairs(rng: np.random.Generator, n_users: int, per_user: int) -> tuple[np.ndarray, np.ndarray]:
    """Exactly ``per_user`` distinct others for each member (index pairs), popular members drawn more often."""
    popularity = 1.0 / (rng.permutation(n_users) + 10.0) ** 0.8
    cumulative = np.cumsum(popularity) / popularity.sum()
    keys = np.empty(0, dtype=np.int64)
    for attempt in range(100):
        missing = per_user - np.bincount(keys // n_users, minlength=n_users)
        rows = np.repeat(np.arange(n_users, dtype=np.int64), missing * 2)
        if len(rows) == 0:
            break
        if attempt < 5:
            cols = np.minimum(np.searchsorted(cumulative, rng.random(len(rows))), n_users - 1)
        else:  # the rest uniformly, so that nobody runs short of popular members to follow
            cols = rng.integers(0, n_users, len(rows))
        keys = np.unique(np.concatenate([keys, (rows * n_users + cols)[rows != cols]]))
        order = np.lexsort((rng.random(len(keys)), keys // n_users))  # shuffled within each member
        keys = keys[order]
        row = keys // n_users
        rank = np.arange(len(keys)) - np.searchsorted(row, row)
        keys = np.sort(keys[rank < per_user])
    return keys // n_users, keys % n_users


def unique_pairs(
    rng: np.random.Generator, count: int, weights: np.ndarray, n_second: int, allowed: Callable | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct (first, second) index pairs: first drawn by ``weights``, second uniformly."""
    keys = np.empty(0, dtype=np.int64)
    for attempt in range(100):
        if len(keys) >= count:
            break
        draws = int((count - len(keys)) * 1.3) + 100
        p = weights if attempt < 5 else None  # then uniformly, should the heavy members be full
        first = rng.choice(len(weights), draws, p=p).astype(np.int64)
        second = rng.integers(0, n_second, draws)
        if allowed is not None:
            keep = allowed(first, second)
            first, second = first[keep], second[keep]
        keys = np.unique(np.concatenate([keys, first * n_second + second]))
    keys = rng.choice(keys, count, replace=False)
    return keys // n_second, keys % n_second


class Activity:
    """Every object and event, drawn first (numpy arrays), then inserted table by table."""

    def __init__(self, rng: np.random.Generator, members: Members, movie_ids: np.ndarray) -> None:
        self.rng, self.members, self.movie_ids = rng, members, movie_ids
        self.now_us = _now_us()
        self.review_movies = np.empty(0, dtype=np.int64)

    def _moments(self, count: int, after: np.ndarray | None = None) -> np.ndarray:
        """Microseconds since the epoch in the last year (or between ``after`` and now)."""
        start = self.now_us - SPAN_US if after is None else after
        return start + (self.rng.random(count) * (self.now_us - start)).astype(np.int64)

    def draw(self, counts: dict[str, int]) -> None:
        rng, members = self.rng, self.members
        # Reviews: distinct (member, movie) pairs.
        users, movies = unique_pairs(rng, counts[EventKind.REVIEW], members.activity, len(self.movie_ids))
        self.review_users, self.review_movies = users, self.movie_ids[movies]
        self.review_at = self._moments(len(users))
        self.review_ids = _next_id(Review) + np.arange(len(users))
        self.review_hidden = rng.random(len(users)) < HIDDEN_REVIEW_SHARE
        # Likes: distinct (member, review) pairs, never of one's own review, after the review was written.
        authors = self.review_users
        likers, liked = unique_pairs(
            rng, counts[EventKind.REVIEW_LIKE], members.activity, len(users), lambda a, b: a != authors[b]
        )
        self.likers, self.liked = likers, liked
        self.like_at = self._moments(len(likers), after=self.review_at[liked])
        self.like_ids = _next_id(ReviewLike) + np.arange(len(likers))
        # Diary entries and lists: any member, any number.
        n_entries, n_lists = counts[EventKind.DIARY_ENTRY], counts[EventKind.LIST]
        self.entry_users = rng.choice(len(members.ids), n_entries, p=members.activity)
        self.entry_movies = self.movie_ids[rng.integers(0, len(self.movie_ids), n_entries)]
        self.entry_at = self._moments(n_entries)
        self.entry_ids = _next_id(DiaryEntry) + np.arange(n_entries)
        self.list_users = rng.choice(len(members.ids), n_lists, p=members.activity)
        self.list_at = self._moments(n_lists)
        self.list_ids = _next_id(FilmList) + np.arange(n_lists)
        self.list_public = rng.random(n_lists) >= PRIVATE_LIST_SHARE

    def insert(self):
        """Insert the objects, then their events; yield (table, rows) as each is done."""
        yield "reviews", self._insert_reviews()
        yield "review likes", self._insert_likes()
        yield "diary entries", self._insert_entries()
        yield "lists", self._insert_lists()
        yield "events", self._insert_events()

    def _insert_reviews(self) -> int:
        rng, n = self.rng, len(self.review_ids)
        ratings = (rng.integers(1, 11, n) / 2).tolist()
        bodies = np.array(PHRASES)[rng.integers(0, len(PHRASES), n)].tolist()
        likes = np.bincount(self.liked, minlength=n).tolist()
        hidden = self.review_hidden.tolist()
        at = _timestamps(self.review_at.astype("datetime64[us]"))
        columns = ("id", "user_id", "movie_id", "rating", "body", "like_count", "comment_count", "hidden",
                   "created_at", "updated_at")  # fmt: skip
        users = self.members.ids[self.review_users].tolist()
        rows = list(
            zip(self.review_ids.tolist(), users, self.review_movies.tolist(), ratings, bodies, likes,
                [0] * n, hidden, at, at, strict=True)
        )  # fmt: skip
        rows.sort(key=lambda row: (row[1], row[2]))  # by member and movie: the unique index fills in order
        insert_rows(Review._meta.db_table, columns, rows, batch_size=100_000)
        return n

    def _insert_likes(self) -> int:
        at = _timestamps(self.like_at.astype("datetime64[us]"))
        users = self.members.ids[self.likers].tolist()
        rows = list(zip(self.like_ids.tolist(), users, self.review_ids[self.liked].tolist(), at, strict=True))
        insert_rows(ReviewLike._meta.db_table, ("id", "user_id", "review_id", "created_at"), rows, batch_size=100_000)
        return len(rows)

    def _insert_entries(self) -> int:
        rng, n = self.rng, len(self.entry_ids)
        moments = self.entry_at.astype("datetime64[us]")
        watched = moments.astype("datetime64[D]").astype(str).tolist()
        ratings = np.where(rng.random(n) < 0.7, rng.integers(1, 11, n) / 2, np.nan).tolist()
        ratings = [None if rating != rating else rating for rating in ratings]  # NaN: no rating
        rewatch = (rng.random(n) < 0.15).tolist()
        at = _timestamps(moments)
        users = self.members.ids[self.entry_users].tolist()
        columns = ("id", "user_id", "movie_id", "watched_on", "rewatch", "rating", "created_at", "updated_at")
        rows = list(
            zip(self.entry_ids.tolist(), users, self.entry_movies.tolist(), watched, rewatch, ratings, at, at,
                strict=True)
        )  # fmt: skip
        insert_rows(DiaryEntry._meta.db_table, columns, rows, batch_size=100_000)
        return n

    def _insert_lists(self) -> int:
        n = len(self.list_ids)
        public = self.list_public.tolist()
        at = _timestamps(self.list_at.astype("datetime64[us]"))
        names = [f"Favourites {number}" for number in range(n)]
        columns = ("id", "owner_id", "name", "description", "ranked", "public", "item_count", "like_count",
                   "comment_count", "created_at", "updated_at")  # fmt: skip
        rows = list(
            zip(self.list_ids.tolist(), self.members.ids[self.list_users].tolist(), names, [""] * n, [False] * n,
                public, [0] * n, [0] * n, [0] * n, at, at, strict=True)
        )  # fmt: skip
        insert_rows(FilmList._meta.db_table, columns, rows, batch_size=100_000)
        return n

    def _insert_events(self) -> int:
        ids, visible_entries = self.members.ids, np.zeros(len(self.entry_ids), dtype=bool)
        parts = [
            (EventKind.REVIEW, self.review_users, self.review_users, self.review_at, self.review_hidden),
            (EventKind.DIARY_ENTRY, self.entry_users, self.entry_users, self.entry_at, visible_entries),
            (EventKind.LIST, self.list_users, self.list_users, self.list_at, ~self.list_public),
            (EventKind.REVIEW_LIKE, self.likers, self.review_users[self.liked], self.like_at,
             self.review_hidden[self.liked]),
        ]  # fmt: skip
        object_ids = [self.review_ids, self.entry_ids, self.list_ids, self.like_ids]
        rows: list[tuple] = []
        for slot, (kind, actors, subjects, moments, hidden) in enumerate(parts):
            objects: list[list[int | None]] = [[None] * len(moments) for _ in range(4)]
            objects[slot] = list(object_ids[slot].tolist())
            at = _timestamps(moments.astype("datetime64[us]"))
            rows += zip(ids[actors].tolist(), ids[subjects].tolist(), [str(kind)] * len(at), at, hidden.tolist(),
                        *objects, strict=True)  # fmt: skip
        rows.sort(key=lambda row: (row[0], row[3]))  # by actor and time: the feed's index fills in order
        columns = ("actor_id", "subject_id", "kind", "created_at", "hidden", "review_id", "diary_entry_id")
        insert_rows(Event._meta.db_table, (*columns, "film_list_id", "review_like_id"), rows, batch_size=100_000)
        return len(rows)


def _vacuum_events() -> None:
    """On PostgreSQL, mark the new event pages all-visible, so that the feed's index-only scans skip the heap
    (autovacuum would get there, some time after the load). Not possible inside a transaction (tests)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Event._meta.db_table}")


def _next_id(model: type[Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences() -> None:
    """Move the id sequences past the explicit ids (SQLite's AUTOINCREMENT follows them by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Review, ReviewLike, DiaryEntry, FilmList])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _now_us() -> int:
    return int(timezone.now().timestamp() * 1_000_000)


def _timestamps(moments: np.ndarray) -> list[str]:
    """UTC datetime64 values as the database stores them (Django's own format, so they sort with its rows)."""
    text = np.char.replace(np.datetime_as_string(moments, unit="us"), "T", " ")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [value + suffix for value in text.tolist()]
