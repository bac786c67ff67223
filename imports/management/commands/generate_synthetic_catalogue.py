"""Bulk-generate a large synthetic catalogue (movies with content, users, reviews) for scale benchmarks."""

import datetime
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from core.bulk import insert_rows, refresh_planner_statistics
from core.caching import catalogue_changed
from movies.models import Movie
from movies.services import genres_get_or_create, movie_genres_link
from reviews.models import Review

USERNAME_PREFIX = "syn_"
GENRES = (
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family", "Fantasy", "History",
    "Horror", "Music", "Mystery", "Romance", "Science Fiction", "Thriller", "War", "Western", "Sport", "Biography",
)  # fmt: skip
SYLLABLES = ("ka", "lo", "mi", "ra", "te", "sun", "vor", "bel", "dri", "an", "qu", "zo", "pe", "nix", "ul", "tor")
# Share of a user's reviews drawn from their favourite genre (the rest follow overall popularity).
FAVOURITE_SHARE = 0.7


class Command(BaseCommand):
    help = (
        "Create a synthetic catalogue for load tests: --movies movies with descriptions, genres, keywords, cast "
        "and directors, --users users (syn_<n>, no usable password) with genre tastes, and --reviews reviews "
        "drawn from popularity and taste. Bulk inserts; run it on an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--movies", type=int, default=20_000)
        parser.add_argument("--users", type=int, default=20_000)
        parser.add_argument("--reviews", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        n_movies, n_users, n_reviews = options["movies"], options["users"], options["reviews"]
        _check_sizes(n_movies, n_users, n_reviews)
        rng = np.random.default_rng(options["seed"])
        self.verbosity = options["verbosity"]
        started = time.perf_counter()

        movies, primary = _movies(rng, n_movies)
        self._log(f"{len(movies):,} movies", started)
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"{USERNAME_PREFIX}{n}", password="!") for n in range(n_users)],
            batch_size=5000,
        )
        self._log(f"{len(users):,} users", started)
        movie_ids = np.array([movie.pk for movie in movies], dtype=np.int64)
        user_ids = np.array([user.pk for user in users], dtype=np.int64)
        review_users, review_movies = review_pairs(rng, n_users, primary, n_reviews)
        ratings = _ratings(rng, review_users, review_movies, n_users, n_movies)
        _insert_reviews(rng, user_ids[review_users], movie_ids[review_movies], ratings)
        self._log(f"{len(ratings):,} reviews", started)
        _aggregates(movie_ids, review_movies, ratings)
        catalogue_changed()
        self._log("movie ratings", started)
        refresh_planner_statistics()
        self._log("planner statistics", started)

    def _log(self, what: str, started: float) -> None:
        if self.verbosity:
            self.stdout.write(f"{what} ({time.perf_counter() - started:.1f} s)")


def _check_sizes(n_movies: int, n_users: int, n_reviews: int) -> None:
    if min(n_movies, n_users) < 1 or n_reviews < 0:
        raise CommandError("--movies and --users must be at least 1 and --reviews at least 0.")
    if n_reviews > n_movies * n_users // 2:
        raise CommandError("--reviews must be at most half of --movies x --users.")
    if get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).exists():
        raise CommandError("A synthetic catalogue is already here; use an empty database.")


@dataclass(frozen=True)
class _MovieDraws:
    """Every random draw for the movies at once: a description is 12 words of its genre's topic and 10-24 others."""

    vocabulary: list[str]
    topics: np.ndarray
    keywords: list[str]
    actors: list[str]
    directors: list[str]
    primary: np.ndarray  # each movie's main genre (an index into GENRES)
    topic_draws: np.ndarray
    word_draws: np.ndarray
    word_counts: np.ndarray
    keyword_draws: np.ndarray
    keyword_counts: np.ndarray
    cast_draws: np.ndarray
    director_draws: np.ndarray
    ages: np.ndarray
    extra_genres: np.ndarray
    extra_counts: np.ndarray


def _movie_draws(rng: np.random.Generator, n_movies: int) -> _MovieDraws:
    vocabulary = _words(rng, 4000)
    topics = rng.integers(0, len(vocabulary), (len(GENRES), 60))
    keywords = _words(rng, 1500, syllables=3)
    actors = _people(rng, 6000)
    directors = _people(rng, 1500)
    return _MovieDraws(
        vocabulary=vocabulary,
        topics=topics,
        keywords=keywords,
        actors=actors,
        directors=directors,
        primary=rng.integers(0, len(GENRES), n_movies),
        topic_draws=rng.integers(0, topics.shape[1], (n_movies, 12)),
        word_draws=rng.integers(0, len(vocabulary), (n_movies, 26)),
        word_counts=rng.integers(10, 25, n_movies),
        keyword_draws=rng.integers(0, 80, (n_movies, 6)),
        keyword_counts=rng.integers(3, 7, n_movies),
        cast_draws=rng.integers(0, len(actors), (n_movies, 5)),
        director_draws=rng.integers(0, len(directors), n_movies),
        ages=rng.integers(0, 70 * 365, n_movies),
        extra_genres=rng.integers(0, len(GENRES), (n_movies, 2)),
        extra_counts=rng.integers(0, 3, n_movies),
    )


def _movie(draws: _MovieDraws, index: int, today: datetime.date) -> Movie:
    genre = int(draws.primary[index])
    word_draws = draws.word_draws[index]
    words = [draws.vocabulary[w] for w in draws.topics[genre][draws.topic_draws[index]]]
    words += [draws.vocabulary[w] for w in word_draws[: draws.word_counts[index]]]
    keywords = (draws.keywords[genre * 40 + k] for k in draws.keyword_draws[index][: draws.keyword_counts[index]])
    return Movie(
        title=f"{draws.vocabulary[word_draws[-1]].title()} {draws.vocabulary[word_draws[-2]]} {index}",
        description=" ".join(words).capitalize() + ".",
        release_date=today - datetime.timedelta(days=int(draws.ages[index])),
        runtime=80 + index % 100,
        keywords=list(dict.fromkeys(keywords)),
        cast=list(dict.fromkeys(draws.actors[a] for a in draws.cast_draws[index])),
        directors=[draws.directors[draws.director_draws[index]]],
    )


def _movies(rng: np.random.Generator, n_movies: int) -> tuple[list[Movie], np.ndarray]:
    """Create the movies with their genres; return them and each one's main genre."""
    draws = _movie_draws(rng, n_movies)
    today = datetime.date.today()
    movies = Movie.objects.bulk_create([_movie(draws, index, today) for index in range(n_movies)], batch_size=2000)
    genres = genres_get_or_create(GENRES)
    by_index = [genres[name.casefold()] for name in GENRES]
    movie_genres_link(
        {movie.pk: [by_index[g] for g in _genre_indices(draws, index)] for index, movie in enumerate(movies)}
    )
    return movies, draws.primary


def _genre_indices(draws: _MovieDraws, index: int) -> set[int]:
    """The movie's main genre and up to two others."""
    return {int(draws.primary[index]), *draws.extra_genres[index][: draws.extra_counts[index]].tolist()}


def review_pairs(
    rng: np.random.Generator, n_users: int, primary: np.ndarray, n_reviews: int
) -> tuple[np.ndarray, np.ndarray]:
    """``n_reviews`` distinct (user, movie) index pairs: heavy-tailed activity and popularity, genre tastes."""
    n_movies = len(primary)
    activity = rng.lognormal(0, 1, n_users)
    favourite = rng.integers(0, len(GENRES), n_users)
    popularity = 1.0 / (rng.permutation(n_movies) + 10.0) ** 0.9
    overall = np.cumsum(popularity) / popularity.sum()
    by_genre = [np.flatnonzero(primary == genre) for genre in range(len(GENRES))]
    within = [np.cumsum(popularity[members]) / popularity[members].sum() for members in by_genre]
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < n_reviews:
        draws = int((n_reviews - len(keys)) * 1.2) + 100
        users = rng.choice(n_users, draws, p=activity / activity.sum())
        movies = np.minimum(np.searchsorted(overall, rng.random(draws)), n_movies - 1)
        for genre, members in enumerate(by_genre):
            if len(members) == 0:
                continue
            chosen = np.flatnonzero((favourite[users] == genre) & (rng.random(draws) < FAVOURITE_SHARE))
            picks = np.minimum(np.searchsorted(within[genre], rng.random(len(chosen))), len(members) - 1)
            movies[chosen] = members[picks]
        keys = np.unique(np.concatenate([keys, users.astype(np.int64) * n_movies + movies]))
    keys = rng.choice(keys, n_reviews, replace=False)
    return keys // n_movies, keys % n_movies


def _ratings(
    rng: np.random.Generator, users: np.ndarray, movies: np.ndarray, n_users: int, n_movies: int
) -> np.ndarray:
    """Stars from the movie's quality, the user's leniency and noise."""
    quality = rng.normal(3.4, 0.5, n_movies)
    leniency = rng.normal(0.0, 0.4, n_users)
    raw = quality[movies] + leniency[users] + rng.normal(0.0, 0.8, len(users))
    return np.clip(np.rint(raw), 1, 5).astype(np.int64)


def _insert_reviews(rng: np.random.Generator, users: np.ndarray, movies: np.ndarray, ratings: np.ndarray) -> None:
    now = np.datetime64(timezone.now().replace(tzinfo=None), "us")  # UTC
    offsets = rng.integers(0, 3 * 365 * 86400 * 1_000_000, len(users)).astype("timedelta64[us]")
    moments = _timestamps(now - offsets)
    updated = _timestamps(np.array([now]))[0]
    rows = list(
        zip(
            users.tolist(),
            movies.tolist(),
            ratings.tolist(),
            [""] * len(users),
            moments,
            [updated] * len(users),
            strict=True,
        )
    )
    rows.sort()  # by user, then movie: neighbouring index entries, far fewer page writes
    columns = ("user_id", "movie_id", "rating", "body", "created_at", "updated_at")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # 256 MB of page cache for this connection's index updates
            cursor.execute("PRAGMA cache_size = -262144")
    insert_rows(Review._meta.db_table, columns, rows, batch_size=50_000)


def _aggregates(movie_ids: np.ndarray, review_movies: np.ndarray, ratings: np.ndarray) -> None:
    counts = np.bincount(review_movies, minlength=len(movie_ids))
    sums = np.bincount(review_movies, weights=ratings, minlength=len(movie_ids))
    averages = np.divide(sums, counts, out=np.zeros(len(movie_ids)), where=counts > 0)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Movie._meta.db_table} SET avg_rating = %s, review_count = %s WHERE id = %s",
            list(zip(averages.tolist(), counts.tolist(), movie_ids.tolist(), strict=True)),
        )


def _timestamps(moments: np.ndarray) -> list[str]:
    """UTC datetime64 values as the database stores them (Django's own format, so they sort with its rows)."""
    text = np.char.replace(np.datetime_as_string(moments, unit="us"), "T", " ")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [value + suffix for value in text.tolist()]


def _people(rng: np.random.Generator, count: int) -> list[str]:
    firsts, lasts = _words(rng, count), _words(rng, count)
    return [f"{first.title()} {last.title()}" for first, last in zip(firsts, lasts, strict=True)]


def _words(rng: np.random.Generator, count: int, syllables: int = 2) -> list[str]:
    parts = rng.choice(SYLLABLES, (count, syllables + 1))
    lengths = rng.integers(syllables, syllables + 2, count)
    return ["".join(row[:length]) for row, length in zip(parts, lengths, strict=True)]
