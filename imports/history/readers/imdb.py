"""IMDb: the "Your ratings" CSV, and the CSV of a list or of the watchlist. Only films are read: series, episodes
and games are kept as skipped rows, their title type as the reason."""

import re
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import TextIO

from imports.history.readers.common import (
    SkipRow,
    checked_rows,
    guarded_row,
    parse_date,
    parse_int,
    parse_rating,
    parse_year,
)
from imports.history.rows import Fact, FilmRef, HistoryRow, ListInfo

_TITLE_COLUMNS = (
    "Title",
    "Original Title",
    "URL",
    "Title Type",
    "IMDb Rating",
    "Runtime (mins)",
    "Year",
    "Genres",
    "Num Votes",
    "Release Date",
    "Directors",
)
RATINGS_COLUMNS = ("Const", "Your Rating", "Date Rated", *_TITLE_COLUMNS)
LIST_COLUMNS = ("Position", "Const", "Created", "Modified", "Description", *_TITLE_COLUMNS, "Your Rating", "Date Rated")
# Older exports lack "Original Title"; the figures about the title are not needed.
RATINGS_REQUIRED = ("Const", "Your Rating", "Date Rated", "Title", "Title Type", "Year")
LIST_REQUIRED = ("Position", "Const", "Created", "Description", "Title", "Title Type", "Year")
# Title types that are films, lower case without spaces ("Movie", "movie", "TV Movie", "tvMovie", "Video", "Short").
FILM_TYPES = frozenset({"movie", "tvmovie", "video", "short"})
CONST_RE = re.compile(r"^tt\d+$")
LIST_ID_RE = re.compile(r"^ls\d+$")


def kind_for(name: str, header: Sequence[str] | None) -> str | None:
    """An IMDb CSV by its ``Const`` column: a list (or the watchlist, by its name) when it has positions."""
    columns = {column.strip().lower() for column in header or ()}
    if "const" not in columns:
        return None
    if "position" not in columns:
        return "imdb_ratings"
    return "imdb_watchlist" if "watchlist" in PurePosixPath(name).name.lower() else "imdb_list"


def list_name(file: str) -> str:
    """The list's name from its file's: ``best-heist_films.csv`` is "Best heist films"."""
    name = " ".join(re.split(r"[\s_-]+", PurePosixPath(file).stem)).strip() or "IMDb list"
    return name[:1].upper() + name[1:]


def _film(row: dict[str, str]) -> FilmRef:
    return FilmRef(title=row["Title"], year=parse_year(row["Year"]), imdb_id=row["Const"], key=row["Const"])


def _check_film(row: dict[str, str]) -> None:
    if not CONST_RE.match(row["Const"]):
        raise SkipRow(f"not an IMDb title id: {row['Const']!r}")
    title_type = row["Title Type"]
    if title_type and title_type.lower().replace(" ", "") not in FILM_TYPES:
        raise SkipRow(title_type)


def read_ratings(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    for line, row in checked_rows(stream, file, RATINGS_COLUMNS, RATINGS_REQUIRED):
        yield _rating_row(file, line, row)


def _rating_row(file: str, line: int, row: dict[str, str]) -> HistoryRow:
    film = _film(row)

    def build() -> HistoryRow:
        _check_film(row)
        rating = parse_rating(row["Your Rating"], scale=2)
        if rating is None:
            raise SkipRow("no rating")
        return HistoryRow(file, line, Fact.RATING, film, date=parse_date(row["Date Rated"]), rating=rating)

    return guarded_row(file, line, Fact.RATING, film, build)


def read_watchlist(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    for line, row in checked_rows(stream, file, LIST_COLUMNS, LIST_REQUIRED):
        yield _list_row(file, line, row, None)


def read_list(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    stem = PurePosixPath(file).stem
    film_list = ListInfo(name=list_name(file), key=stem if LIST_ID_RE.match(stem) else "")
    for line, row in checked_rows(stream, file, LIST_COLUMNS, LIST_REQUIRED):
        yield _list_row(file, line, row, film_list)


def _list_row(file: str, line: int, row: dict[str, str], film_list: ListInfo | None) -> HistoryRow:
    """A watchlist entry (no list) or a list item, dated when it was added."""
    film = _film(row)
    fact = Fact.WATCHLIST if film_list is None else Fact.LIST_ITEM

    def build() -> HistoryRow:
        _check_film(row)
        date = parse_date(row["Created"])
        if film_list is None:
            return HistoryRow(file, line, fact, film, date=date)
        position = parse_int(row["Position"])
        if position is None:
            raise SkipRow(f"bad position {row['Position']!r}")
        return HistoryRow(
            file, line, fact, film, date=date, film_list=film_list, position=position, note=row["Description"]
        )

    return guarded_row(file, line, fact, film, build)
