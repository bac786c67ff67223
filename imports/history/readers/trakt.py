"""Trakt: the JSON files of its export (a ZIP of them, or one alone). Only films are read: shows, seasons and
episodes are kept as skipped rows."""

import datetime
import json
from collections.abc import Hashable, Iterator
from pathlib import PurePosixPath
from typing import Any, TextIO

from imports.history.readers.common import (
    FormatError,
    Reader,
    SkipRow,
    guarded_row,
    parse_datetime,
    parse_int,
    parse_rating,
    parse_year,
)
from imports.history.rows import Fact, FilmRef, HistoryRow

FILES = {
    "ratings-movies.json": "trakt_ratings",
    "watched-movies.json": "trakt_watched",
    "watched-history.json": "trakt_history",
    "lists-watchlist.json": "trakt_watchlist",
}
# A file under another name is known by the date its items carry.
SHAPES = (
    ("rated_at", "trakt_ratings"),
    ("watched_at", "trakt_history"),
    ("last_watched_at", "trakt_watched"),
    ("listed_at", "trakt_watchlist"),
)
TYPE_NAMES = {"show": "TV Show", "season": "TV Season", "episode": "TV Episode", "person": "Person"}

Item = dict[str, Any]


def kind_for_member(path: str) -> str | None:
    return FILES.get(PurePosixPath(path).name.lower())


def kind_for_document(name: str, document: object) -> str | None:
    """A Trakt file by its name, else by the first item's date field."""
    kind = kind_for_member(name)
    if kind or not isinstance(document, list) or not document or not isinstance(document[0], dict):
        return kind
    return next((kind for field, kind in SHAPES if field in document[0]), None)


def _items(stream: TextIO, file: str) -> list[Item]:
    document = json.load(stream)
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise FormatError("unknown_format", f"{file}: expected a JSON list of Trakt items")
    return document


def _subject(item: Item) -> tuple[str, Item]:
    """The item's type and what it is about (watched-movies.json's items carry no type: they are films)."""
    kind = str(item.get("type") or "movie")
    subject = item.get(kind)
    return kind, subject if isinstance(subject, dict) else {}


def _film(item: Item) -> FilmRef:
    _, subject = _subject(item)
    ids = subject.get("ids")
    if not isinstance(ids, dict):
        ids = {}
    trakt_id = parse_int(ids.get("trakt"))
    imdb_id = ids.get("imdb")
    return FilmRef(
        title=str(subject.get("title") or ""),
        year=parse_year(subject.get("year")),
        tmdb_id=parse_int(ids.get("tmdb")),
        imdb_id=imdb_id if isinstance(imdb_id, str) else "",
        key=f"trakt:{trakt_id}" if trakt_id else "",
    )


def _check_film(item: Item) -> None:
    kind, subject = _subject(item)
    if kind != "movie":
        raise SkipRow(TYPE_NAMES.get(kind, kind))
    if not subject:
        raise SkipRow("no film in this item")


def _dated_reader(fact: Fact, field: str) -> Reader:
    """A reader of a file whose items are one film each, dated by ``field``."""

    def read(stream: TextIO, file: str) -> Iterator[HistoryRow]:
        for line, item in enumerate(_items(stream, file), start=1):
            yield _dated_row(file, line, item, fact, field)

    return read


def _dated_row(file: str, line: int, item: Item, fact: Fact, field: str) -> HistoryRow:
    film = _film(item)

    def build() -> HistoryRow:
        _check_film(item)
        rating = parse_rating(item.get("rating"), scale=2) if fact == Fact.RATING else None
        if fact == Fact.RATING and rating is None:
            raise SkipRow("no rating")
        return HistoryRow(file, line, fact, film, date=parse_datetime(item.get(field), field), rating=rating)

    return guarded_row(file, line, fact, film, build)


read_ratings = _dated_reader(Fact.RATING, "rated_at")
read_watched = _dated_reader(Fact.WATCHED, "last_watched_at")
read_watchlist = _dated_reader(Fact.WATCHLIST, "listed_at")


def read_history(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    """Each play a diary entry; every play of a film after its first (in time, not in the file) is a rewatch."""
    items = _items(stream, file)
    rewatches = _rewatches(items)
    for line, item in enumerate(items, start=1):
        yield _play_row(file, line, item, line in rewatches)


def _play_row(file: str, line: int, item: Item, rewatch: bool) -> HistoryRow:
    film = _film(item)

    def build() -> HistoryRow:
        _check_film(item)
        watched_at = parse_datetime(item.get("watched_at"), "watched_at")
        if watched_at is None:
            raise SkipRow("no watched_at")
        watched_on = watched_at.astimezone(datetime.UTC).date()
        return HistoryRow(file, line, Fact.DIARY, film, date=watched_at, watched_on=watched_on, rewatch=rewatch)

    return guarded_row(file, line, Fact.DIARY, film, build)


def _rewatches(items: list[Item]) -> set[int]:
    """The lines (1-based) of the plays that follow an earlier play of the same film."""
    plays: list[tuple[datetime.datetime, int, Hashable]] = []
    for line, item in enumerate(items, start=1):
        try:
            _check_film(item)
            watched_at = parse_datetime(item.get("watched_at"))
        except SkipRow:
            continue
        if watched_at is not None:
            plays.append((watched_at, line, _identity(item)))
    seen: set[Hashable] = set()
    rewatches = set()
    for _, line, identity in sorted(plays, key=lambda play: (play[0], play[1])):
        if identity in seen:
            rewatches.add(line)
        seen.add(identity)
    return rewatches


def _identity(item: Item) -> Hashable:
    film = _film(item)
    return film.key or (film.tmdb_id, film.imdb_id, film.title, film.year)
