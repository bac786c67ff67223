"""A FlixReview export (``flixreview-export.json``, format ``flixreview-export/1``): the member's reviews, diary,
marks ("not interested" included) and lists, read back so that an export imports into another account as it was.
Its profile and comments are not history facts and are not read."""

import itertools
import json
from collections.abc import Iterator
from typing import Any, TextIO

from imports.history.readers.common import (
    FormatError,
    SkipRow,
    is_yes,
    parse_date,
    parse_datetime,
    parse_int,
    parse_rating,
    parse_year,
)
from imports.history.rows import Fact, FilmRef, HistoryRow, ListInfo

FORMAT = "flixreview-export/1"
MEMBER = "flixreview-export.json"
# The sections read, in the order their facts are written.
SECTIONS = {
    "reviews": Fact.REVIEW,
    "diary": Fact.DIARY,
    "watched": Fact.WATCHED,
    "watchlist": Fact.WATCHLIST,
    "likes": Fact.LIKE,
    "not_interested": Fact.NOT_INTERESTED,
}
LISTS = "lists"

Item = dict[str, Any]
Entry = tuple[str, Item, ListInfo | None]


def is_export(document: object) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def read_export(stream: TextIO, file: str) -> Iterator[HistoryRow]:
    """Every fact of the document; a row's line is its place among them (1-based), its section in ``extra``."""
    document = json.load(stream)
    if not is_export(document):
        raise FormatError("unknown_format", f'{file}: not a FlixReview export (no "format": "{FORMAT}")')
    entries: Iterator[Entry] = itertools.chain(
        ((section, item, None) for section in SECTIONS for item in _section(document, section, file)),
        _list_entries(document, file),
    )
    for line, (section, item, film_list) in enumerate(entries, start=1):
        yield _row(file, line, section, item, film_list)


def _section(document: Item, section: str, file: str) -> list[Item]:
    items = document.get(section) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise FormatError("unknown_format", f'{file}: "{section}" is not a list of objects')
    return items


def _list_entries(document: Item, file: str) -> Iterator[Entry]:
    for film_list in _section(document, LISTS, file):
        info = ListInfo(
            name=str(film_list.get("name") or ""),
            description=str(film_list.get("description") or ""),
            ranked=is_yes(film_list.get("ranked")),
            public=film_list.get("public") is not False,
        )
        for item in _section(film_list, "items", file):
            yield LISTS, item, info


def _film(item: Item) -> FilmRef:
    film = item.get("film")
    if not isinstance(film, dict):
        return FilmRef()
    imdb_id = film.get("imdb_id")
    return FilmRef(
        title=str(film.get("title") or ""),
        year=parse_year(film.get("year")),
        tmdb_id=parse_int(film.get("tmdb_id")),
        imdb_id=imdb_id if isinstance(imdb_id, str) else "",
    )


def _row(file: str, line: int, section: str, item: Item, film_list: ListInfo | None) -> HistoryRow:
    film = _film(item)
    fact = SECTIONS.get(section, Fact.LIST_ITEM)
    extra = {"section": section}
    try:
        if not (film.title or film.tmdb_id or film.imdb_id):
            raise SkipRow("no film")
        date = parse_datetime(item.get("created_at"), "created_at")
        return HistoryRow(file, line, fact, film, date=date, extra=extra, **_values(fact, item, film_list))
    except SkipRow as skip:
        return HistoryRow(file, line, fact, film, skip_reason=skip.reason, extra=extra)


def _values(fact: Fact, item: Item, film_list: ListInfo | None) -> dict[str, Any]:
    """What a row of this fact carries besides its film and date."""
    if fact == Fact.REVIEW:
        return {"rating": parse_rating(item.get("rating")), "review": str(item.get("body") or "")}
    if fact == Fact.DIARY:
        raw = item.get("watched_on")
        watched_on = parse_date(raw, "watched_on") if isinstance(raw, str) else None
        if watched_on is None:
            raise SkipRow("no watched_on")
        rating = parse_rating(item.get("rating"))
        return {"watched_on": watched_on, "rewatch": is_yes(item.get("rewatch")), "rating": rating}
    if fact == Fact.LIST_ITEM:
        position = parse_int(item.get("position"))
        if position is None:
            raise SkipRow(f"bad position {item.get('position')!r}")
        return {"film_list": film_list, "position": position, "note": str(item.get("note") or "")}
    return {}
