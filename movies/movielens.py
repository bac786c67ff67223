"""Import the MovieLens 100k data set (users, movies, ratings) as plain functions.

Two layouts are understood, detected from the files present in the directory:

* ``grouplens``: the original distribution. ``u.data`` (tab-separated ``user item rating timestamp``, no
  header), ``u.item`` (pipe-separated, latin-1, title "Toy Story (1995)", release date "01-Jan-1995",
  19 genre flags) and ``u.user`` (pipe-separated ``id|age|gender|occupation|zip``).
* ``atomic``: the tab-separated files with typed headers (``user_id:token`` ...): ``<name>.inter``,
  ``<name>.item`` (title without the year, ``release_year``, space-separated ``class`` genres) and
  ``<name>.user``.

Every file is read and checked before anything is written: a malformed line raises
:class:`MalformedFileError` (file and line number). Rows that parse but cannot be imported (a rating of
3.5 or 7, an unknown user or movie, a repeated user/movie pair) are skipped and reported.
:func:`import_dataset` then writes everything in one transaction, with bulk inserts and an explicit
lookup of what already exists, so running it again creates and changes nothing.
"""

import datetime
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable, make_password
from django.db import transaction

from core.caching import bump_generation
from movies.models import Movie
from movies.services import genres_get_or_create, movie_genres_link
from reviews.models import MAX_RATING, MIN_RATING, Review
from reviews.services import movie_aggregates_refresh

GROUPLENS = "grouplens"
ATOMIC = "atomic"

USERNAME_PREFIX = "ml_"

# Order of the genre flags in u.item (and the names used by the atomic layout's ``class`` column).
GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
DROPPED_GENRES = frozenset({"unknown"})
GROUPLENS_ITEM_FIELDS = 5 + len(GENRES)
GROUPLENS_USER_FIELDS = 5

# Month abbreviations of u.item's release dates ("01-Jan-1995"); strptime's %b depends on the locale.
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}

# "Toy Story (1995)", "Hamlet (1996/I)", and "... (1995) (V)" for direct-to-video releases.
TITLE_YEAR_RE = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:/[IVX]+)?\)(?:\s*\(V\))?$")
YEAR_RE = re.compile(r"^\d{4}$")
# The atomic conversion of item 267 misspells its placeholder title.
TITLE_FIXES = {"unkonwn": "unknown"}

TITLE_MAX_LENGTH = Movie._meta.get_field("title").max_length

DEFAULT_BATCH_SIZE = 2000
# Rows per bulk_create call (each split again by batch_size); one progress-bar step each.
PROGRESS_CHUNK = 10_000


class NoProgress:
    """The default progress hook. A hook is called like ``tqdm(total=..., desc=..., unit=...)`` and used as
    a context manager whose ``update(n)`` reports n more units done; ``tqdm`` itself fits."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> "NoProgress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        pass


Progress = Callable[..., Any]


class MovieLensError(Exception):
    """Base class: the data set cannot be imported at all."""


class MissingFilesError(MovieLensError):
    pass


class MalformedFileError(MovieLensError):
    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}, line {line}: {message}")


@dataclass(frozen=True)
class Layout:
    name: str
    users: Path
    items: Path
    ratings: Path


@dataclass(frozen=True)
class Skipped:
    path: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class MovieRow:
    movielens_id: int
    title: str
    release_date: datetime.date | None
    genres: tuple[str, ...]


@dataclass(frozen=True)
class RatingRow:
    user_id: int
    item_id: int
    rating: int
    created_at: datetime.datetime
    line: int


@dataclass
class Dataset:
    layout: Layout
    user_ids: list[int]
    movies: list[MovieRow]
    ratings: list[RatingRow]
    skipped: list[Skipped] = field(default_factory=list)


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

    def skipped_by_reason(self) -> Counter:
        return Counter(_reason_kind(row.reason) for row in self.skipped)


def _reason_kind(reason: str) -> str:
    return reason.split(":", 1)[0]


# --- Layout ---------------------------------------------------------------------------------------


def detect_layout(path: Path | str, ratings: Path | str | None = None) -> Layout:
    """Find the data files in ``path``; ``ratings`` replaces the layout's ratings file (train/test splits).

    Raises MissingFilesError naming the directory or every file that is missing.
    """
    directory = Path(path)
    if not directory.exists():
        raise MissingFilesError(f"{directory} does not exist.")
    if not directory.is_dir():
        raise MissingFilesError(f"{directory} is not a directory.")
    ratings_override = Path(ratings) if ratings is not None else None

    grouplens = {"users": directory / "u.user", "items": directory / "u.item", "ratings": directory / "u.data"}
    atomic = _atomic_files(directory)
    if any(file.exists() for file in grouplens.values()):
        name, files = GROUPLENS, grouplens
    elif atomic is not None:
        name, files = ATOMIC, atomic
    else:
        raise MissingFilesError(
            f"No MovieLens files in {directory}: expected u.data, u.item and u.user (GroupLens layout) "
            "or <name>.inter, <name>.item and <name>.user (atomic layout)."
        )
    if ratings_override is not None:
        files["ratings"] = ratings_override
    missing = [str(file) for file in files.values() if not file.is_file()]
    if missing:
        raise MissingFilesError(f"Missing MovieLens file(s) for the {name} layout: {', '.join(missing)}.")
    return Layout(name=name, **files)


def _atomic_files(directory: Path) -> dict[str, Path] | None:
    found = {suffix: sorted(directory.glob(f"*.{suffix}")) for suffix in ("inter", "item", "user")}
    if not any(found.values()):
        return None
    # Prefer the data set named after the directory ("ml-100k/ml-100k.inter"), else the first stem found.
    stems = [directory.name] + [file.stem for files in found.values() for file in files]
    stem = next(stem for stem in stems if any(file.stem == stem for files in found.values() for file in files))
    return {
        "users": directory / f"{stem}.user",
        "items": directory / f"{stem}.item",
        "ratings": directory / f"{stem}.inter",
    }


# --- Reading --------------------------------------------------------------------------------------


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) for non-blank lines. UTF-8 when it decodes, else latin-1 (u.item)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    # Not str.splitlines(): it also splits on U+0085 and U+001C..U+001E, which latin-1 text can hold.
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            yield number, line


def read_dataset(layout: Layout, progress: Progress = NoProgress) -> Dataset:
    """Parse and check every file; raises MalformedFileError before anything is written."""
    skipped: list[Skipped] = []
    if layout.name == GROUPLENS:
        user_ids = _read_grouplens_users(layout.users, skipped)
        movies = _read_grouplens_items(layout.items, skipped)
    else:
        user_ids = _read_atomic_users(layout.users, skipped)
        movies = _read_atomic_items(layout.items, skipped)
    ratings = read_ratings(layout.ratings, skipped, progress)
    return Dataset(layout=layout, user_ids=user_ids, movies=movies, ratings=ratings, skipped=skipped)


def _int_id(path: Path, line: int, value: str, what: str) -> int:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or int(value) <= 0:
        raise MalformedFileError(path, line, f"{what} must be a positive integer, got {value!r}.")
    return int(value)


def _read_grouplens_users(path: Path, skipped: list[Skipped]) -> list[int]:
    ids = []
    for line, text in read_lines(path):
        fields = text.split("|")
        if len(fields) != GROUPLENS_USER_FIELDS:
            raise MalformedFileError(
                path, line, f"expected {GROUPLENS_USER_FIELDS} '|'-separated fields, found {len(fields)}."
            )
        ids.append((line, _int_id(path, line, fields[0], "user id")))
    return _dedupe_ids(ids, path, "user", skipped)


def _read_atomic_users(path: Path, skipped: list[Skipped]) -> list[int]:
    lines = read_lines(path)
    columns = _atomic_header(path, lines, required=("user_id",))
    ids = []
    for line, text in lines:
        fields = _atomic_fields(path, line, text, len(columns))
        ids.append((line, _int_id(path, line, fields[columns["user_id"]], "user_id")))
    return _dedupe_ids(ids, path, "user", skipped)


def _dedupe_ids(rows: list[tuple[int, int]], path: Path, what: str, skipped: list[Skipped]) -> list[int]:
    seen: set[int] = set()
    ids = []
    for line, row_id in rows:
        if row_id in seen:
            skipped.append(Skipped(path, line, f"duplicate {what}: id {row_id} appears earlier in the file"))
            continue
        seen.add(row_id)
        ids.append(row_id)
    return ids


def _atomic_header(path: Path, lines: Iterator[tuple[int, str]], required: tuple[str, ...]) -> dict[str, int]:
    """Read the typed header ("user_id:token<TAB>item_id:token...") into {column name: index}."""
    try:
        line, text = next(lines)
    except StopIteration:
        raise MalformedFileError(path, 1, "the file is empty; expected a header line.") from None
    return _header_columns(path, line, text, required)


def _header_columns(path: Path, line: int, text: str, required: Iterable[str]) -> dict[str, int]:
    columns = {name.split(":", 1)[0].strip(): index for index, name in enumerate(text.split("\t"))}
    missing = [name for name in required if name not in columns]
    if missing:
        raise MalformedFileError(path, line, f"header lacks column(s) {', '.join(missing)}: {text!r}.")
    return columns


def _atomic_fields(path: Path, line: int, text: str, count: int) -> list[str]:
    fields = text.split("\t")
    if len(fields) != count:
        raise MalformedFileError(path, line, f"expected {count} tab-separated fields, found {len(fields)}.")
    return fields


def clean_title(raw: str) -> tuple[str, int | None]:
    """Return (title without a trailing "(1995)" year, that year or None); whitespace collapsed."""
    title = " ".join(raw.split())
    year = None
    match = TITLE_YEAR_RE.match(title)
    if match and match.group("title"):
        title, year = match.group("title"), int(match.group("year"))
    title = TITLE_FIXES.get(title, title)
    return title[:TITLE_MAX_LENGTH], year


def genre_names(names: Iterable[str]) -> tuple[str, ...]:
    """Genre names in the given order, without "unknown" or repeats."""
    return tuple(dict.fromkeys(name for name in names if name and name not in DROPPED_GENRES))


def _year_date(year: int | None) -> datetime.date | None:
    return datetime.date(year, 1, 1) if year and datetime.MINYEAR <= year <= datetime.MAXYEAR else None


def _parse_release_date(path: Path, line: int, value: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day, month, year = value.split("-")
        return datetime.date(int(year), MONTHS[month.lower()], int(day))
    except (ValueError, KeyError):
        raise MalformedFileError(path, line, f"release date must look like 01-Jan-1995, got {value!r}.") from None


def _read_grouplens_items(path: Path, skipped: list[Skipped]) -> list[MovieRow]:
    movies = []
    for line, text in read_lines(path):
        fields = text.split("|")
        if len(fields) != GROUPLENS_ITEM_FIELDS:
            raise MalformedFileError(
                path, line, f"expected {GROUPLENS_ITEM_FIELDS} '|'-separated fields, found {len(fields)}."
            )
        movielens_id = _int_id(path, line, fields[0], "movie id")
        flags = [flag.strip() for flag in fields[5:]]
        if any(flag not in ("0", "1") for flag in flags):
            raise MalformedFileError(path, line, f"genre flags must be 0 or 1, got {'|'.join(flags)!r}.")
        title, title_year = clean_title(fields[1])
        release_date = _parse_release_date(path, line, fields[2]) or _year_date(title_year)
        genres = genre_names(name for name, flag in zip(GENRES, flags, strict=True) if flag == "1")
        movies.append((line, MovieRow(movielens_id, title, release_date, genres)))
    return _checked_movies(movies, path, skipped)


def _read_atomic_items(path: Path, skipped: list[Skipped]) -> list[MovieRow]:
    lines = read_lines(path)
    columns = _atomic_header(path, lines, required=("item_id", "movie_title"))
    year_column, class_column = columns.get("release_year"), columns.get("class")
    movies = []
    for line, text in lines:
        fields = _atomic_fields(path, line, text, len(columns))
        movielens_id = _int_id(path, line, fields[columns["item_id"]], "item_id")
        title, title_year = clean_title(fields[columns["movie_title"]])
        # Empty for some items, "unkonwn" for item 267 and "V" for item 1412, whose title kept its "(1995)".
        year = fields[year_column].strip() if year_column is not None else ""
        release_date = _year_date(int(year) if YEAR_RE.match(year) else title_year)
        genres = genre_names(fields[class_column].split() if class_column is not None else ())
        movies.append((line, MovieRow(movielens_id, title, release_date, genres)))
    return _checked_movies(movies, path, skipped)


def _checked_movies(rows: list[tuple[int, MovieRow]], path: Path, skipped: list[Skipped]) -> list[MovieRow]:
    seen: set[int] = set()
    movies = []
    for line, movie in rows:
        if movie.movielens_id in seen:
            skipped.append(Skipped(path, line, f"duplicate movie: id {movie.movielens_id} appears earlier in the file"))
        elif not movie.title:
            skipped.append(Skipped(path, line, f"empty title: movie {movie.movielens_id}"))
        else:
            seen.add(movie.movielens_id)
            movies.append(movie)
    return movies


def read_ratings(path: Path, skipped: list[Skipped], progress: Progress = NoProgress) -> list[RatingRow]:
    """Tab-separated ``user item rating timestamp``; a header line (atomic layout) is detected and used.

    Structural problems (field count, non-numeric values) raise MalformedFileError; a rating that is
    not a whole number from 1 to 5, an unusable timestamp or a repeated (user, movie) pair is skipped.
    """
    lines = list(read_lines(path))
    order = {"user_id": 0, "item_id": 1, "rating": 2, "timestamp": 3}
    count = len(order)
    if lines and not lines[0][1].split("\t", 1)[0].strip().isdigit():
        columns = _header_columns(path, *lines.pop(0), required=order)
        order = {name: columns[name] for name in order}
        count = len(columns)
    positions = tuple(order.values())
    ratings: list[RatingRow] = []
    seen: set[tuple[int, int]] = set()
    with progress(total=len(lines), desc=f"Reading {path.name}", unit="row") as bar:
        for chunk in _chunks(lines, PROGRESS_CHUNK):
            ratings.extend(_parse_ratings(path, chunk, count, positions, seen, skipped))
            bar.update(len(chunk))
    return ratings


def _parse_ratings(
    path: Path,
    lines: list[tuple[int, str]],
    count: int,
    columns: tuple[int, int, int, int],
    seen: set[tuple[int, int]],
    skipped: list[Skipped],
) -> list[RatingRow]:
    """Parse rows of the ratings file; ``columns`` holds the user, item, rating and timestamp positions."""
    user_col, item_col, rating_col, time_col = columns
    ratings = []
    for line, text in lines:
        fields = text.split("\t")
        if len(fields) != count:
            raise MalformedFileError(path, line, f"expected {count} tab-separated fields, found {len(fields)}.")
        user_id = _int_id(path, line, fields[user_col], "user id")
        item_id = _int_id(path, line, fields[item_col], "item id")
        rating = _number(path, line, fields[rating_col], "rating")
        timestamp = _number(path, line, fields[time_col], "timestamp")
        if not rating.is_integer() or not MIN_RATING <= rating <= MAX_RATING:
            skipped.append(Skipped(path, line, f"invalid rating: {fields[rating_col].strip()!r}"))
            continue
        try:
            created_at = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            skipped.append(Skipped(path, line, f"invalid timestamp: {fields[time_col].strip()!r}"))
            continue
        if (user_id, item_id) in seen:
            skipped.append(Skipped(path, line, f"duplicate rating: user {user_id} already rated movie {item_id}"))
            continue
        seen.add((user_id, item_id))
        ratings.append(RatingRow(user_id, item_id, int(rating), created_at, line))
    return ratings


def _number(path: Path, line: int, value: str, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise MalformedFileError(path, line, f"{what} must be a number, got {value.strip()!r}.") from None
    if math.isnan(number):
        raise MalformedFileError(path, line, f"{what} must be a number, got {value.strip()!r}.")
    return number


# --- Writing --------------------------------------------------------------------------------------


def username_for(user_id: int) -> str:
    return f"{USERNAME_PREFIX}{user_id}"


def import_movielens(
    path: Path | str,
    ratings: Path | str | None = None,
    *,
    progress: Progress = NoProgress,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportResult:
    """Detect the layout, read every file, then write it all in one transaction."""
    layout = detect_layout(path, ratings)
    dataset = read_dataset(layout, progress)
    return import_dataset(dataset, progress=progress, batch_size=batch_size)


@transaction.atomic
def import_dataset(
    dataset: Dataset, *, progress: Progress = NoProgress, batch_size: int = DEFAULT_BATCH_SIZE
) -> ImportResult:
    """Write a dataset read by read_dataset(); one transaction, so an error leaves nothing behind."""
    result = ImportResult(layout=dataset.layout.name, skipped=list(dataset.skipped))
    users = _import_users(dataset, result, batch_size)
    movies = _import_movies(dataset, result, batch_size)
    touched = _import_reviews(dataset, users, movies, result, progress, batch_size)
    if touched:
        movie_aggregates_refresh(touched)
    if result.created:
        transaction.on_commit(bump_generation)
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
    mapping = {
        user_id: pk
        for username, pk, password in rows
        if (user_id := _imported_user_id(username)) is not None and not is_password_usable(password)
    }
    unusable_password = make_password(None)  # hashing is slow: one string, shared by every new user
    new_users = []
    for user_id in dataset.user_ids:
        username = username_for(user_id)
        if user_id in mapping:
            result.users_existing += 1
        elif username.lower() in taken:
            reason = f"username taken: {taken[username.lower()]!r} exists and is not an imported MovieLens user"
            result.skipped.append(Skipped(dataset.layout.users, None, reason))
        else:
            new_users.append(user_model(username=username, password=unusable_password))
    user_model.objects.bulk_create(new_users, batch_size=batch_size)
    result.users_created = len(new_users)
    if new_users:
        new_names = {user.username for user in new_users}
        for username, pk in accounts.values_list("username", "pk"):
            if username in new_names:
                mapping[_imported_user_id(username)] = pk
    return mapping


def _imported_user_id(username: str) -> int | None:
    suffix = username.removeprefix(USERNAME_PREFIX)
    if suffix == username or not suffix.isascii() or not suffix.isdigit() or username != username_for(int(suffix)):
        return None
    return int(suffix)


def _import_movies(dataset: Dataset, result: ImportResult, batch_size: int) -> dict[int, int]:
    """Create the movies whose movielens_id is new; existing ones are left as they are."""
    existing = dict(Movie.objects.filter(movielens_id__isnull=False).values_list("movielens_id", "pk"))
    new_rows = [row for row in dataset.movies if row.movielens_id not in existing]
    new_movies = [
        Movie(movielens_id=row.movielens_id, title=row.title, release_date=row.release_date) for row in new_rows
    ]
    result.movies_existing = len(dataset.movies) - len(new_movies)
    result.movies_created = len(new_movies)
    Movie.objects.bulk_create(new_movies, batch_size=batch_size)
    if new_movies:
        existing = dict(Movie.objects.filter(movielens_id__isnull=False).values_list("movielens_id", "pk"))
        genres = genres_get_or_create(name for row in new_rows for name in row.genres)
        movie_genres_link(
            {existing[row.movielens_id]: [genres[name.casefold()] for name in row.genres] for row in new_rows}
        )
    return existing


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
    for chunk in _chunks(sorted(set(users.values())), 500):
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
        for chunk in _chunks(new_reviews, PROGRESS_CHUNK):
            Review.objects.bulk_create(chunk, batch_size=batch_size)
            bar.update(len(chunk))
    result.reviews_created = len(new_reviews)
    return sorted(touched)


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
