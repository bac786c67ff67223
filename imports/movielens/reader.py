"""Read the MovieLens 100k data set (users, movies, ratings) into plain rows. Plain Python: no Django.

Two layouts are understood, detected from the files present in the directory:

* ``grouplens``: the original distribution. ``u.data`` (tab-separated ``user item rating timestamp``, no
  header), ``u.item`` (pipe-separated, latin-1, title "Toy Story (1995)", release date "01-Jan-1995",
  19 genre flags) and ``u.user`` (pipe-separated ``id|age|gender|occupation|zip``).
* ``atomic``: the tab-separated files with typed headers (``user_id:token`` ...): ``<name>.inter``,
  ``<name>.item`` (title without the year, ``release_year``, space-separated ``class`` genres) and
  ``<name>.user``.

A complete GroupLens set wins. Otherwise the atomic data set is the ``<name>`` that has every file the import needs
(``.item`` and ``.user``, and ``.inter`` unless another ratings file is given): the one named after the directory
when it is complete, else the only complete one; several complete ones are refused (:class:`AmbiguousDatasetError`)
rather than guessed between.

:func:`read_dataset` reads and checks every file of a layout for the import (:mod:`imports.movielens.writer`): a
malformed line raises :class:`MalformedFileError` (file and line number); rows that parse but cannot be imported (a
rating of 3.25 or 7, a repeated user/movie pair) are skipped and reported. :func:`read_rating_lines` and
:func:`read_item_lines` give a ratings file and an atomic ``.item`` file as they are, for the offline evaluation.
"""

import datetime
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from tqdm import tqdm

T = TypeVar("T")

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


class RatingScale(NamedTuple):
    lowest: float
    highest: float
    step: float

    def holds(self, rating: float) -> bool:
        """In range and a whole number of steps above the lowest."""
        return self.lowest <= rating <= self.highest and ((rating - self.lowest) / self.step).is_integer()


# MovieLens 100k rates in whole stars from 1 to 5, the larger sets (25M, latest) in half stars from 0.5 to 5.
MOVIELENS_SCALE = RatingScale(0.5, 5.0, 0.5)

# Rows per progress-bar step.
PROGRESS_CHUNK = 10_000

# A progress hook is called like ``tqdm(total=..., desc=..., unit=...)`` and used as a context manager whose
# ``update(n)`` reports n more units done; ``tqdm`` itself fits.
Progress = Callable[..., Any]
NO_PROGRESS: Progress = partial(tqdm, disable=True)


class MovieLensError(Exception):
    """Base class: the data set cannot be imported at all."""


class MissingFilesError(MovieLensError):
    pass


class AmbiguousDatasetError(MovieLensError):
    """The directory holds several complete atomic data sets and nothing says which one to import."""


class MalformedFileError(MovieLensError, ValueError):
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
    rating: float
    created_at: datetime.datetime
    line: int


@dataclass
class Dataset:
    layout: Layout
    user_ids: list[int]
    movies: list[MovieRow]
    ratings: list[RatingRow]
    skipped: list[Skipped] = field(default_factory=list)


# --- Layout ---------------------------------------------------------------------------------------


ATOMIC_SUFFIXES = {"users": "user", "items": "item", "ratings": "inter"}


def detect_layout(path: Path | str, ratings: Path | str | None = None) -> Layout:
    """Find the data files in ``path``; ``ratings`` replaces the layout's ratings file (train/test splits).

    Raises MissingFilesError naming the directory or every file that is missing, AmbiguousDatasetError when
    several atomic data sets are complete.
    """
    directory = Path(path)
    if not directory.exists():
        raise MissingFilesError(f"{directory} does not exist.")
    if not directory.is_dir():
        raise MissingFilesError(f"{directory} is not a directory.")
    ratings_override = Path(ratings) if ratings is not None else None
    needed = ("users", "items") if ratings_override is not None else ("users", "items", "ratings")

    name, files = _choose_files(directory, needed)
    if ratings_override is not None:
        files["ratings"] = ratings_override
    missing = [str(file) for file in files.values() if not file.is_file()]
    if missing:
        raise MissingFilesError(f"Missing MovieLens file(s) for the {name} layout: {', '.join(missing)}.")
    return Layout(name=name, **files)


def _choose_files(directory: Path, needed: tuple[str, ...]) -> tuple[str, dict[str, Path]]:
    """The layout and files to import: a complete set when there is one, else the fullest, whose missing files the
    caller then names."""
    grouplens = {"users": directory / "u.user", "items": directory / "u.item", "ratings": directory / "u.data"}
    if _has_files(grouplens, needed):
        return GROUPLENS, grouplens
    atomic = _atomic_candidates(directory)
    complete = [stem for stem, files in atomic.items() if _has_files(files, needed)]
    if len(complete) > 1 and complete[0] != directory.name:
        raise AmbiguousDatasetError(
            f"{directory} holds several MovieLens data sets in the atomic layout: {', '.join(complete)}. "
            "Move all but the one to import to another directory (or name the directory after it)."
        )
    if complete:
        return ATOMIC, atomic[complete[0]]
    candidates = [(GROUPLENS, grouplens), *((ATOMIC, files) for files in atomic.values())]
    fullest = max(candidates, key=lambda candidate: _present_count(candidate[1]))  # the first of equals
    if _present_count(fullest[1]) == 0:
        raise MissingFilesError(
            f"No MovieLens files in {directory}: expected u.data, u.item and u.user (GroupLens layout) "
            "or <name>.inter, <name>.item and <name>.user (atomic layout)."
        )
    return fullest


def _atomic_candidates(directory: Path) -> dict[str, dict[str, Path]]:
    """Every ``<name>`` with at least one atomic file: the one named after the directory first, then by name."""
    stems = {file.stem for suffix in ATOMIC_SUFFIXES.values() for file in directory.glob(f"*.{suffix}")}
    ordered = sorted(stems, key=lambda stem: (stem != directory.name, stem))
    return {
        stem: {role: directory / f"{stem}.{suffix}" for role, suffix in ATOMIC_SUFFIXES.items()} for stem in ordered
    }


def _has_files(files: dict[str, Path], needed: tuple[str, ...]) -> bool:
    return all(files[role].is_file() for role in needed)


def _present_count(files: dict[str, Path]) -> int:
    return sum(file.is_file() for file in files.values())


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


def read_dataset(layout: Layout, progress: Progress = NO_PROGRESS, *, scale: RatingScale = MOVIELENS_SCALE) -> Dataset:
    """Parse and check every file; raises MalformedFileError on the first malformed line."""
    skipped: list[Skipped] = []
    if layout.name == GROUPLENS:
        user_ids = _read_grouplens_users(layout.users, skipped)
        movies = _read_grouplens_items(layout.items, skipped)
    else:
        user_ids = _read_atomic_users(layout.users, skipped)
        movies = _read_atomic_items(layout.items, skipped)
    ratings = read_ratings(layout.ratings, skipped, progress, scale=scale)
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
    return TITLE_FIXES.get(title, title), year


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


class ItemLine(NamedTuple):
    """One line of an atomic ``.item`` file, as written."""

    line: int
    item_id: int
    title: str
    release_year: str  # "" without the column
    genres: tuple[str, ...]  # the ``class`` column's words


def read_item_lines(path: Path) -> list[ItemLine]:
    """An atomic ``.item`` file (typed header, then tab-separated ``item_id``, ``movie_title`` and optionally
    ``release_year`` and ``class``); structural problems raise MalformedFileError."""
    lines = read_lines(path)
    columns = _atomic_header(path, lines, required=("item_id", "movie_title"))
    year_column, class_column = columns.get("release_year"), columns.get("class")
    items = []
    for line, text in lines:
        fields = _atomic_fields(path, line, text, len(columns))
        items.append(
            ItemLine(
                line,
                _int_id(path, line, fields[columns["item_id"]], "item_id"),
                fields[columns["movie_title"]],
                fields[year_column] if year_column is not None else "",
                tuple(fields[class_column].split()) if class_column is not None else (),
            )
        )
    return items


def _read_atomic_items(path: Path, skipped: list[Skipped]) -> list[MovieRow]:
    movies = []
    for item in read_item_lines(path):
        title, title_year = clean_title(item.title)
        # Empty for some items, "unkonwn" for item 267 and "V" for item 1412, whose title kept its "(1995)".
        year = item.release_year.strip()
        release_date = _year_date(int(year) if YEAR_RE.match(year) else title_year)
        movies.append((item.line, MovieRow(item.item_id, title, release_date, genre_names(item.genres))))
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


class RatingLine(NamedTuple):
    """One line of a ratings file, as written."""

    line: int
    user_id: int
    item_id: int
    rating: float
    timestamp: float


def read_rating_lines(path: Path, progress: Progress = NO_PROGRESS) -> list[RatingLine]:
    """Tab-separated ``user item rating timestamp``; a header line (atomic layout) is detected and used.

    Structural problems (field count, non-numeric values) raise MalformedFileError.
    """
    lines = list(read_lines(path))
    order = {"user_id": 0, "item_id": 1, "rating": 2, "timestamp": 3}
    count = len(order)
    if lines and not lines[0][1].split("\t", 1)[0].strip().isdigit():
        columns = _header_columns(path, *lines.pop(0), required=order)
        order = {name: columns[name] for name in order}
        count = len(columns)
    positions = tuple(order.values())
    ratings: list[RatingLine] = []
    with progress(total=len(lines), desc=f"Reading {path.name}", unit="row") as bar:
        for chunk in chunks(lines, PROGRESS_CHUNK):
            ratings.extend(_rating_line(path, line, text, count, positions) for line, text in chunk)
            bar.update(len(chunk))
    return ratings


def _rating_line(path: Path, line: int, text: str, count: int, columns: tuple[int, ...]) -> RatingLine:
    """``columns`` holds the user, item, rating and timestamp positions."""
    fields = text.split("\t")
    if len(fields) != count:
        raise MalformedFileError(path, line, f"expected {count} tab-separated fields, found {len(fields)}.")
    user_col, item_col, rating_col, time_col = columns
    return RatingLine(
        line,
        _int_id(path, line, fields[user_col], "user id"),
        _int_id(path, line, fields[item_col], "item id"),
        _number(path, line, fields[rating_col], "rating"),
        _number(path, line, fields[time_col], "timestamp"),
    )


def read_ratings(
    path: Path, skipped: list[Skipped], progress: Progress = NO_PROGRESS, *, scale: RatingScale = MOVIELENS_SCALE
) -> list[RatingRow]:
    """The ratings file's rows that can be imported, their ratings as written. A rating off the ``scale``, an
    unusable timestamp or a repeated (user, movie) pair is skipped."""
    ratings = []
    seen: set[tuple[int, int]] = set()
    for row in read_rating_lines(path, progress):
        checked = _checked_rating(path, row, scale, seen)
        if isinstance(checked, Skipped):
            skipped.append(checked)
        else:
            seen.add((row.user_id, row.item_id))
            ratings.append(checked)
    return ratings


def _checked_rating(path: Path, row: RatingLine, scale: RatingScale, seen: set[tuple[int, int]]) -> RatingRow | Skipped:
    if not scale.holds(row.rating):
        return Skipped(path, row.line, f"invalid rating: '{row.rating:g}'")
    try:
        created_at = datetime.datetime.fromtimestamp(row.timestamp, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return Skipped(path, row.line, f"invalid timestamp: '{row.timestamp:g}'")
    if (row.user_id, row.item_id) in seen:
        return Skipped(path, row.line, f"duplicate rating: user {row.user_id} already rated movie {row.item_id}")
    return RatingRow(row.user_id, row.item_id, row.rating, created_at, row.line)


def _number(path: Path, line: int, value: str, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise MalformedFileError(path, line, f"{what} must be a number, got {value.strip()!r}.") from None
    if math.isnan(number):
        raise MalformedFileError(path, line, f"{what} must be a number, got {value.strip()!r}.")
    return number


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
