"""Write a MovieLens data set read by :mod:`imports.movielens.reader` into the catalogue: ``ml_<id>`` users without a
usable password, movies keyed by ``movielens_id`` with their genres, and their ratings as reviews.

Everything is read and checked before anything is written; :func:`import_dataset` then writes it all in one
transaction, with bulk inserts and an explicit lookup of what already exists, so running it again creates and
changes nothing. Rows that cannot be imported (an unknown user or movie, a username taken by someone else) are
skipped and reported.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable, make_password
from django.db import transaction

from core.bulk import refresh_planner_statistics
from core.caching import catalogue_changed
from imports.movielens.reader import (
    NO_PROGRESS,
    PROGRESS_CHUNK,
    Dataset,
    Progress,
    RatingScale,
    Skipped,
    chunks,
    detect_layout,
    read_dataset,
)
from movies.models import Movie
from movies.ratings import MAX_RATING, MIN_RATING, RATING_STEP
from movies.services import genres_get_or_create, movie_genres_link
from reviews.models import Review
from reviews.services import movie_aggregates_refresh

USERNAME_PREFIX = "ml_"
TITLE_MAX_LENGTH = Movie._meta.get_field("title").max_length
DEFAULT_BATCH_SIZE = 2000


@dataclass
class ImportResult:
    layout: str = ""
    users_created: int = 0
    users_existing: int = 0
    movies_created: int = 0
    movies_existing: int = 0
    reviews_created: int = 0
    reviews_existing: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.users_created + self.movies_created + self.reviews_created

    def skipped_by_reason(self) -> Counter[str]:
        """How many rows were skipped for each kind of reason ("invalid rating", "unknown user", ...)."""
        return Counter(row.reason.split(":", 1)[0] for row in self.skipped)


def username_for(user_id: int) -> str:
    return f"{USERNAME_PREFIX}{user_id}"


def import_movielens(
    path: Path | str,
    ratings: Path | str | None = None,
    *,
    progress: Progress = NO_PROGRESS,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportResult:
    """Detect the layout, read every file, then write it all in one transaction."""
    layout = detect_layout(path, ratings)
    dataset = read_dataset(layout, progress, scale=RatingScale(MIN_RATING, MAX_RATING, RATING_STEP))
    return import_dataset(dataset, progress=progress, batch_size=batch_size)


@transaction.atomic
def import_dataset(
    dataset: Dataset, *, progress: Progress = NO_PROGRESS, batch_size: int = DEFAULT_BATCH_SIZE
) -> ImportResult:
    """Write a dataset read by read_dataset(); one transaction, so an error leaves nothing behind."""
    result = ImportResult(layout=dataset.layout.name, skipped=list(dataset.skipped))
    users = _import_users(dataset, result, batch_size)
    movies = _import_movies(dataset, result, batch_size)
    touched = _import_reviews(dataset, users, movies, result, progress, batch_size)
    if touched:
        movie_aggregates_refresh(touched)
    if result.created:
        catalogue_changed()
        refresh_planner_statistics()
    return result


def _import_users(dataset: Dataset, result: ImportResult, batch_size: int) -> dict[int, int]:
    """Create the ``ml_<id>`` users that do not exist yet; return {MovieLens user id: user pk}.

    An existing account counts as imported only with the exact username and an unusable password:
    someone who registered "ML_5" or "ml_5" must not receive MovieLens reviews, so that user is skipped.
    Imported users missing from this users file (an earlier, larger import) still resolve ratings.
    """
    user_model = get_user_model()
    accounts = user_model.objects.filter(username__istartswith=USERNAME_PREFIX)
    rows = list(accounts.values_list("username", "pk", "password"))
    taken = {username.lower(): username for username, _, _ in rows}
    mapping: dict[int, int] = {}
    for username, pk, password in rows:
        user_id = _imported_user_id(username)
        if user_id is not None and not is_password_usable(password):
            mapping[user_id] = pk
    new_ids: dict[str, int] = {}  # username: MovieLens user id
    for user_id in dataset.user_ids:
        username = username_for(user_id)
        if user_id in mapping:
            result.users_existing += 1
        elif username.lower() in taken:
            reason = f"username taken: {taken[username.lower()]!r} exists and is not an imported MovieLens user"
            result.skipped.append(Skipped(dataset.layout.users, None, reason))
        else:
            new_ids[username] = user_id
    unusable_password = make_password(None)  # hashing is slow: one string, shared by every new user
    new_users = [user_model(username=username, password=unusable_password) for username in new_ids]
    user_model.objects.bulk_create(new_users, batch_size=batch_size)
    result.users_created = len(new_users)
    if new_ids:
        created = accounts.values_list("username", "pk")
        mapping.update({new_ids[username]: pk for username, pk in created if username in new_ids})
    return mapping


def _imported_user_id(username: str) -> int | None:
    suffix = username.removeprefix(USERNAME_PREFIX)
    if suffix == username or not suffix.isascii() or not suffix.isdigit() or username != username_for(int(suffix)):
        return None
    return int(suffix)


def _import_movies(dataset: Dataset, result: ImportResult, batch_size: int) -> dict[int, int]:
    """Create the movies whose movielens_id is new; existing ones are left as they are."""
    existing = _movies_by_movielens_id()
    new_rows = [row for row in dataset.movies if row.movielens_id not in existing]
    new_movies = [
        Movie(movielens_id=row.movielens_id, title=row.title[:TITLE_MAX_LENGTH], release_date=row.release_date)
        for row in new_rows
    ]
    result.movies_existing = len(dataset.movies) - len(new_movies)
    result.movies_created = len(new_movies)
    Movie.objects.bulk_create(new_movies, batch_size=batch_size)
    if new_movies:
        existing = _movies_by_movielens_id()
        genres = genres_get_or_create(name for row in new_rows for name in row.genres)
        movie_genres_link(
            {existing[row.movielens_id]: [genres[name.casefold()] for name in row.genres] for row in new_rows}
        )
    return existing


def _movies_by_movielens_id() -> dict[int, int]:
    """{movielens_id: pk} of the movies that came from MovieLens."""
    return cast(dict[int, int], dict(Movie.objects.exclude(movielens_id=None).values_list("movielens_id", "pk")))


def _import_reviews(
    dataset: Dataset,
    users: dict[int, int],
    movies: dict[int, int],
    result: ImportResult,
    progress: Progress,
    batch_size: int,
) -> list[int]:
    """Bulk-create the reviews not present yet (existing ones are kept as they are); return touched movie pks."""
    existing: set[tuple[int, int]] = set()
    for chunk in chunks(sorted(set(users.values())), 500):
        existing.update(Review.objects.filter(user_id__in=chunk).values_list("user_id", "movie_id"))
    path = dataset.layout.ratings
    new_reviews = []
    touched: set[int] = set()
    for row in dataset.ratings:
        user_pk, movie_pk = users.get(row.user_id), movies.get(row.item_id)
        if user_pk is None:
            result.skipped.append(Skipped(path, row.line, f"unknown user: {row.user_id}"))
        elif movie_pk is None:
            result.skipped.append(Skipped(path, row.line, f"unknown movie: {row.item_id}"))
        elif (user_pk, movie_pk) in existing:
            result.reviews_existing += 1
        else:
            new_reviews.append(Review(user_id=user_pk, movie_id=movie_pk, rating=row.rating, created_at=row.created_at))
            touched.add(movie_pk)
    with progress(total=len(new_reviews), desc="Creating reviews", unit="review") as bar:
        for reviews in chunks(new_reviews, PROGRESS_CHUNK):
            Review.objects.bulk_create(reviews, batch_size=batch_size)
            bar.update(len(reviews))
    result.reviews_created = len(new_reviews)
    return sorted(touched)
