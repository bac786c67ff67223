"""Writing the demo plan to the database: the catalogue, the people, and what they watched (social.py writes the
rest). Only what is missing is written, so that running it again creates and changes nothing.

What is missing is found by keys that do not depend on the date the plan was drawn on (a movie by its title and
year, a review by its member and film, a diary entry by its member and film). Reviews, diary entries and marks go
in bulk, keeping what the services keep: the movies' rating aggregates are recomputed and their like counts moved,
and each new review and diary entry gets its feed event, written as feed/synthetic.py writes them (bulk inserts
send no signals), dated as the row."""

import datetime
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import F, Model
from django.utils import timezone

from accounts.models import User
from activity.models import DiaryEntry, MovieLike, MovieMark, WatchedMark, WatchlistEntry
from core import sql
from feed.models import Event, EventKind
from imports.demo.catalogue import DemoFilm, FilmKey
from imports.demo.people import Persona
from imports.demo.plan import SPAN_DAYS, DemoPlan, Mark
from movies.models import Movie
from movies.services import genres_get_or_create, movie_genres_link
from reviews.models import Review
from reviews.services import movie_aggregates_refresh

BATCH = 500

Pair = tuple[int, int]


def first_version_bio(username: str) -> str:
    """The bio the demo's first version gave its users (replaced by the person's own)."""
    return f"Demo account {username}."


@dataclass
class Written:
    """How many rows of each kind this run created."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, count: int) -> None:
        self.counts[kind] += count

    def __getitem__(self, kind: str) -> int:
        return self.counts[kind]

    @property
    def anything(self) -> bool:
        return any(self.counts.values())


# --- Catalogue and people --------------------------------------------------------------------------------------


def release_date(film: DemoFilm) -> datetime.date:
    return datetime.date(film.year, 1, 1)


def catalogue_ensure(films: Sequence[DemoFilm], written: Written) -> dict[FilmKey, Movie]:
    """The demo films' movies, created when missing. Movies left by the demo's first version (no directors yet)
    get this version's facts, description and genres."""
    genres = genres_get_or_create(name for film in films for name in film.genres)
    wanted = {film.key: film for film in films}
    found: dict[FilmKey, Movie] = {}
    candidates = Movie.objects.filter(title__in={film.title for film in films}).order_by("pk")
    for movie in candidates.filter(release_date__in={release_date(film) for film in films}):
        key = (movie.title, movie.release_date.year) if movie.release_date else ("", 0)
        if key in wanted and movie.release_date == release_date(wanted[key]):
            found.setdefault(key, movie)
    missing = [_movie(Movie(), film) for key, film in wanted.items() if key not in found]
    Movie.objects.bulk_create(missing, batch_size=BATCH)
    stale = [_movie(movie, wanted[key]) for key, movie in found.items() if not movie.directors]
    Movie.objects.bulk_update(stale, ["description", "directors", "cast", "keywords", "updated_at"], batch_size=BATCH)
    movie_genres_link(
        {movie.pk: [genres[name.casefold()] for name in wanted[_key(movie)].genres] for movie in missing + stale}
    )
    written.add("movies", len(missing))
    return {**found, **{_key(movie): movie for movie in missing}}


def _key(movie: Movie) -> FilmKey:
    assert movie.release_date is not None  # every demo movie has one
    return (movie.title, movie.release_date.year)


def _movie(movie: Movie, film: DemoFilm) -> Movie:
    movie.title, movie.release_date, movie.description = film.title, release_date(film), film.description
    movie.directors, movie.cast, movie.keywords = list(film.directors), list(film.cast), list(film.keywords)
    movie.updated_at = timezone.now()
    return movie


def people_ensure(
    people: Sequence[Persona], password: str, now: datetime.datetime, written: Written
) -> dict[str, User]:
    """The demo people's accounts, created when missing (joined a little over two years ago). Accounts left by the
    demo's first version get the person's bio and preferred genres."""
    existing = {user.username: user for user in User.objects.filter(username__in=[p.username for p in people])}
    genres = genres_get_or_create(name for person in people for name in person.preferred_genres)
    hashed = ""
    for index, person in enumerate(people):
        user = existing.get(person.username)
        if user is None:
            hashed = hashed or make_password(password)  # hashed once: it is slow on purpose
            user = User.objects.create(
                username=person.username,
                email=f"{person.username}@demo.flixreview.test",
                password=hashed,
                bio=person.bio,
                time_zone=person.time_zone,
                date_joined=now - datetime.timedelta(days=SPAN_DAYS + 10 + index),
            )
            existing[person.username] = user
            written.add("users", 1)
        elif user.bio == first_version_bio(person.username):
            user.bio = person.bio
            user.save(update_fields=["bio"])
        else:
            continue
        user.preferred_genres.add(*[genres[name.casefold()] for name in person.preferred_genres])
    return existing


# --- What they watched -----------------------------------------------------------------------------------------


class Activity:
    """Reviews, diary entries and marks of the plan, in bulk, with their feed events."""

    def __init__(self, plan: DemoPlan, users: dict[str, User], movies: dict[FilmKey, Movie], written: Written):
        self.plan, self.users, self.movies, self.written = plan, users, movies, written
        self.user_ids = [user.pk for user in users.values()]
        self.reviews: dict[Pair, Review] = {}

    def pair(self, user: str, film: FilmKey) -> Pair:
        return (self.users[user].pk, self.movies[film].pk)

    def write(self) -> None:
        self.write_reviews()
        self.write_diary()
        watched = [Mark(v.user, v.film, v.at) for v in self.plan.viewings if v.rating is None]
        self.written.add("watched marks", len(self.write_marks(WatchedMark, watched)))
        wanted = [mark for mark in self.plan.watchlist if self.pair(mark.user, mark.film.key) not in self.reviews]
        self.written.add("watchlist entries", len(self.write_marks(WatchlistEntry, wanted)))
        liked = [Mark(v.user, v.film, v.at) for v in self.plan.viewings if v.liked]
        likes = self.write_marks(MovieLike, liked)
        for count, movie_ids in _grouped(Counter(like.movie_id for like in likes)).items():
            Movie.objects.filter(pk__in=movie_ids).update(like_count=F("like_count") + count)
        self.written.add("liked films", len(likes))

    def write_reviews(self) -> None:
        fields = ("pk", "user_id", "movie_id", "rating", "hidden", "created_at")
        self.reviews = {
            (review.user_id, review.movie_id): review
            for review in Review.objects.filter(user_id__in=self.user_ids).only(*fields)
        }
        new = []
        for viewing in self.plan.viewings:
            pair = self.pair(viewing.user, viewing.film.key)
            if viewing.rating is None or pair in self.reviews:
                continue
            review = Review(
                user_id=pair[0], movie_id=pair[1], rating=viewing.rating, body=viewing.body, created_at=viewing.at
            )
            self.reviews[pair] = review
            new.append(review)
        Review.objects.bulk_create(new, batch_size=BATCH)
        restamp(Review, {review.pk: review.created_at for review in new}, ["updated_at"])
        movie_aggregates_refresh(review.movie_id for review in new)
        _events(EventKind.REVIEW, new, lambda review: review.user_id, "review")
        self.written.add("reviews", len(new))

    def write_diary(self) -> None:
        logged = set(DiaryEntry.objects.filter(user_id__in=self.user_ids).values_list("user_id", "movie_id"))
        entries, moments = [], {}
        for viewing in self.plan.viewings:
            pair = self.pair(viewing.user, viewing.film.key)
            if pair in logged:
                continue
            review = self.reviews.get(pair) if viewing.rating is not None else None
            viewings = [(viewing.at, False)] if viewing.logged else []
            if viewing.rewatched_at is not None:
                viewings.append((viewing.rewatched_at, True))
            zone = zoneinfo.ZoneInfo(self.users[viewing.user].time_zone)
            for at, rewatch in viewings:
                entry = DiaryEntry(
                    user_id=pair[0],
                    movie_id=pair[1],
                    watched_on=timezone.localdate(at, zone),
                    rewatch=rewatch,
                    rating=review.rating if review is not None else None,
                    review=review,
                )
                entries.append(entry)
                moments[id(entry)] = at
        DiaryEntry.objects.bulk_create(entries, batch_size=BATCH)
        for entry in entries:  # the insert stamped them with the time of the run
            entry.created_at = entry.updated_at = moments[id(entry)]
        restamp(DiaryEntry, {entry.pk: entry.created_at for entry in entries}, ["created_at", "updated_at"])
        _events(EventKind.DIARY_ENTRY, entries, lambda entry: entry.user_id, "diary_entry")
        self.written.add("diary entries", len(entries))

    def write_marks(self, model: type[MovieMark], marks: Iterable[Mark]) -> list[MovieMark]:
        existing = set(model.objects.filter(user_id__in=self.user_ids).values_list("user_id", "movie_id"))
        new = []
        for mark in marks:
            pair = self.pair(mark.user, mark.film.key)
            if pair not in existing:
                existing.add(pair)
                new.append(model(user_id=pair[0], movie_id=pair[1], created_at=mark.at))
        model.objects.bulk_create(new, batch_size=BATCH)
        return new


def _grouped(counts: Counter[int]) -> dict[int, list[int]]:
    """{count: the keys with that count}: one UPDATE per distinct count."""
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for key, count in counts.items():
        groups[count].append(key)
    return groups


def restamp(model: type[Model], moments: dict[int, datetime.datetime], fields: Sequence[str]) -> None:
    """Put each row's planned moment (``moments`` by primary key) in ``fields``: date columns that stamp themselves
    (auto_now, auto_now_add) on insert."""
    times_set(model, fields, {pk: [moment] * len(fields) for pk, moment in moments.items()})


def times_set(model: type[Model], fields: Sequence[str], values: dict[int, list[datetime.datetime | None]]) -> None:
    """Set the date-time ``fields`` of rows (``values`` by primary key, in the order of ``fields``) with one statement
    run for every row: a bulk update of a thousand rows by CASE expressions costs seconds."""
    if not values:
        return
    assignments = ", ".join(f"{sql.column(model, name)} = %s" for name in fields)
    statement = f"UPDATE {sql.table(model)} SET {assignments} WHERE {sql.column(model, 'id')} = %s"
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(statement, [[*(adapt(value) for value in row), pk] for pk, row in values.items()])


def _events(kind: str, rows: Sequence[Model], actor: Callable[[Any], int], column: str) -> None:
    """The feed events of rows inserted in bulk, stamped with their own creation time."""
    Event.objects.bulk_create(
        [
            Event(
                actor_id=actor(row),
                subject_id=actor(row),
                kind=kind,
                created_at=row.created_at,  # type: ignore[attr-defined]
                **{f"{column}_id": row.pk},
            )
            for row in rows
        ],
        batch_size=BATCH,
    )
