"""Match the films history rows name to catalogue movies: remembered keys, the local catalogue, then TMDB.

    matcher = Matcher(Source.LETTERBOXD, client=client, workers=4)
    matches = matcher.match([row.film for row in rows])  # one Match per film, in the same order

For each film, in order: the source's key remembered from an earlier import; a catalogue movie with its TMDB id, its
IMDb id, or its normalised title and year (a year off by one only when exactly one film fits; without a year, only
when one film has the title). Then, with a client, TMDB: the film's TMDB id is imported as it is, its IMDb id is looked
up with /find, its title searched in its year; a search is accepted only when exactly one result has the title (or
original title), by the same year rule. Films found on TMDB are imported with their credits, keywords and genres, so
recommendations can use them. Every new match of a row with a key is remembered.

A batch costs a handful of queries whatever its size (lookups by ``__in``; every movie's title is read once per
Matcher), and a film seen before by the same Matcher (the same film in several files of one export) costs nothing.
TMDB requests run on ``workers`` threads sharing the client, whose rate limiter sets the pace.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, TypeVar

from django.db import connection, connections

from imports.history.rows import FilmRef, Source
from imports.models import ExternalKey
from imports.tmdb.batch import MAX_UNAVAILABLE_IN_A_ROW
from imports.tmdb.catalogue import describe_error, import_movie
from imports.tmdb.client import IMDB_ID_PATTERN, TmdbClient, TmdbConfig
from imports.tmdb.errors import TmdbAuthError, TmdbError, TmdbNotConfigured, TmdbNotFound
from imports.tmdb.types import MovieSummary
from movies.models import Movie

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

VIA_KEY = "key"
VIA_TMDB_ID = "tmdb_id"
VIA_IMDB_ID = "imdb_id"
VIA_TITLE = "title"
VIA_TMDB_FIND = "tmdb_find"
VIA_TMDB_SEARCH = "tmdb_search"
VIA_TMDB_ID_IMPORT = "tmdb_id_import"

# Why a film was not matched, as the member reads it next to the row.
NOT_IN_CATALOGUE = "not in the catalogue"
NOT_CONFIGURED = "not in the catalogue (TMDB is not configured)"
SEVERAL_IN_CATALOGUE = "several films in the catalogue have this title; pick one"
NO_UNIQUE_MATCH = "no unique match on TMDB"
TMDB_UNAVAILABLE = "TMDB was unavailable; import the file again later"
UNKNOWN_TMDB_ID = "TMDB has no film with this TMDB id"
NO_FILM_NAMED = "the row names no film"

MAX_CANDIDATES = 5
QUERY_CHUNK = 500  # values per IN (...): SQLite allows 999 parameters per query
KEY_MAX_LENGTH = 255  # ExternalKey.key

# ' and its typographic look-alikes: right and left single quotation marks, grave and acute accents, modifier letter
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4\u02bc]")
_NOT_A_WORD = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """A title as matching compares it: no case, accents, apostrophes or punctuation, ``&`` as ``and``, single
    spaces ("Amélie" -> "amelie", "The Lord of the Rings: The Two Towers" -> "the lord of the rings the two towers")."""
    text = unicodedata.normalize("NFKD", title.casefold())
    if not text.isascii():
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    return _NOT_A_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class Candidate:
    """A film that came close: one of those the member picks from when a row stays unmatched."""

    title: str
    year: int | None
    tmdb_id: int | None = None
    movie_id: int | None = None


@dataclass(frozen=True)
class Match:
    """The movie a film was matched to and how (``via``), or ``movie_id`` None with the ``reason`` and the films
    that came close."""

    movie_id: int | None
    via: str = ""
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()


def unique_fit(candidates: Sequence[Candidate], year: int | None) -> Candidate | None:
    """The one candidate of ``year``, else the one a year off; without a year, the only candidate; else None."""
    fitting = _fitting(candidates, year)
    return fitting[0] if len(fitting) == 1 else None


def _fitting(candidates: Sequence[Candidate], year: int | None) -> list[Candidate]:
    if year is None:
        return list(candidates)
    exact = [c for c in candidates if c.year == year]
    return exact or [c for c in candidates if c.year is not None and abs(c.year - year) == 1]


class _Found(NamedTuple):
    """A film found on TMDB, to be matched to the catalogue movie of that TMDB id (imported when missing)."""

    tmdb_id: int
    via: str


class _Breaker:
    """Stops asking TMDB once it refused the credentials or MAX_UNAVAILABLE_IN_A_ROW requests in a row failed,
    rather than spend every remaining film's retries on the same outage. Shared by the worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed_in_a_row = 0
        self.is_open = False

    def failed(self, exc: TmdbError) -> None:
        with self._lock:
            self._failed_in_a_row += 1
            if isinstance(exc, TmdbAuthError | TmdbNotConfigured) or self._failed_in_a_row >= MAX_UNAVAILABLE_IN_A_ROW:
                self.is_open = True

    def succeeded(self) -> None:
        with self._lock:
            self._failed_in_a_row = 0


def _chunks(values: Iterable[T], size: int = QUERY_CHUNK) -> Iterator[list[T]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _movies_by(field: str, values: set[Any]) -> dict[Any, int]:
    """Movie ids by ``field`` (tmdb_id or imdb_id) for ``values``; the oldest movie when several share one."""
    found: dict[Any, int] = {}
    for chunk in _chunks(sorted(values)):
        rows = Movie.objects.filter(**{f"{field}__in": chunk}).order_by("-pk").values_list(field, "pk")
        found.update(rows)
    return found


def _summary_candidate(summary: MovieSummary) -> Candidate:
    year = summary.release_date.year if summary.release_date else None
    return Candidate(title=summary.title, year=year, tmdb_id=summary.id)


def _closing_connections(call: Callable[[T], R], item: T) -> R:
    """Run ``call`` on a pool thread, then close that thread's database connections: the threads end with the
    batch, and a connection left open would outlive them."""
    try:
        return call(item)
    finally:
        connections.close_all()


def _found(chosen: Candidate | None, via: str) -> _Found | None:
    return _Found(chosen.tmdb_id, via) if chosen is not None and chosen.tmdb_id is not None else None


def _names_a_film(film: FilmRef) -> bool:
    return bool(film.tmdb_id or film.imdb_id or normalise_title(film.title))


class Matcher:
    """Matches the films of one import. Keep one per job: films it has matched before cost nothing again.

    Call :meth:`match` outside a transaction to import films from TMDB on the worker threads; inside one, imports
    run in the calling thread (on SQLite the other connections would wait for its lock).
    """

    def __init__(self, source: Source, *, client: TmdbClient | None, workers: int = 4) -> None:
        self.source = Source(source)
        self.client = client
        self.workers = max(1, int(workers))
        configured = client is not None or TmdbConfig.from_settings().is_configured
        self._not_found_reason = NOT_IN_CATALOGUE if configured else NOT_CONFIGURED
        self._titles: dict[str, list[Candidate]] | None = None  # normalised title -> catalogue movies
        self._by_film: dict[FilmRef, Match] = {}  # keyed by the film without its key
        self._by_key: dict[str, int] = {}  # remembered keys -> movie ids
        self._keys_looked_up: set[str] = set()
        self._breaker = _Breaker()

    def match(self, films: Sequence[FilmRef]) -> list[Match]:
        """One :class:`Match` per film, in the same order; new matches of films with a key are remembered."""
        self._load_keys({film.key for film in films if film.key})
        unkeyed = dict.fromkeys(replace(film, key="") for film in films if film.key not in self._by_key)
        pending = [film for film in unkeyed if film not in self._by_film]
        self._by_film.update(self._match_locally(pending))
        unmatched = [film for film in pending if self._by_film[film].movie_id is None and _names_a_film(film)]
        if self.client is not None and unmatched:
            self._by_film.update(self._match_on_tmdb(unmatched, self.client))
        matches = [self._match_of(film) for film in films]
        self._remember(films, matches)
        for film in unmatched:  # an outage passes: the next batch asks TMDB again
            if self._by_film[film].reason == TMDB_UNAVAILABLE:
                del self._by_film[film]
        return matches

    def _match_of(self, film: FilmRef) -> Match:
        movie_id = self._by_key.get(film.key) if film.key else None
        return Match(movie_id, VIA_KEY) if movie_id is not None else self._by_film[replace(film, key="")]

    # --- remembered keys ---

    def _load_keys(self, keys: set[str]) -> None:
        new = keys - self._keys_looked_up
        self._keys_looked_up |= new
        for chunk in _chunks(sorted(new)):
            rows = ExternalKey.objects.filter(source=self.source.value, key__in=chunk).values_list("key", "movie_id")
            self._by_key.update(rows)

    def _remember(self, films: Sequence[FilmRef], matches: Sequence[Match]) -> None:
        new: dict[str, int] = {}
        for film, match in zip(films, matches, strict=True):
            if match.movie_id is not None and film.key and len(film.key) <= KEY_MAX_LENGTH:
                new.setdefault(film.key, match.movie_id)
        for key in new.keys() & self._by_key.keys():
            del new[key]
        if not new:
            return
        rows = [ExternalKey(source=self.source.value, key=key, movie_id=movie_id) for key, movie_id in new.items()]
        # Another job of the same member may remember the same key at the same moment: the first one stays.
        ExternalKey.objects.bulk_create(rows, ignore_conflicts=True)
        self._by_key.update(new)

    # --- the local catalogue ---

    def _match_locally(self, films: Sequence[FilmRef]) -> dict[FilmRef, Match]:
        by_tmdb_id = _movies_by("tmdb_id", {film.tmdb_id for film in films if film.tmdb_id})
        by_imdb_id = _movies_by("imdb_id", {film.imdb_id for film in films if film.imdb_id})
        found: dict[FilmRef, Match] = {}
        for film in films:
            if film.tmdb_id in by_tmdb_id:
                found[film] = Match(by_tmdb_id[film.tmdb_id], VIA_TMDB_ID)
            elif film.imdb_id in by_imdb_id:
                found[film] = Match(by_imdb_id[film.imdb_id], VIA_IMDB_ID)
            else:
                found[film] = self._match_title_locally(film)
        return found

    def _match_title_locally(self, film: FilmRef) -> Match:
        name = normalise_title(film.title)
        if not name:
            return Match(None, reason=self._not_found_reason if _names_a_film(film) else NO_FILM_NAMED)
        # A movie with another TMDB id than the film's is another film, whatever its title.
        same = [c for c in self._title_index().get(name, ()) if c.tmdb_id is None or film.tmdb_id is None]
        chosen = unique_fit(same, film.year)
        if chosen is not None:
            return Match(chosen.movie_id, VIA_TITLE)
        reason = SEVERAL_IN_CATALOGUE if len(_fitting(same, film.year)) > 1 else self._not_found_reason
        return Match(None, reason=reason, candidates=tuple(same[:MAX_CANDIDATES]))

    def _title_index(self) -> dict[str, list[Candidate]]:
        if self._titles is None:
            self._titles = {}
            rows = Movie.objects.order_by("pk").values_list("pk", "title", "release_date", "tmdb_id")
            for pk, title, released, tmdb_id in rows.iterator(chunk_size=5000):
                self._index(Candidate(title, released.year if released else None, tmdb_id, pk))
        return self._titles

    def _index(self, movie: Candidate) -> None:
        if self._titles is not None:
            same = self._titles.setdefault(normalise_title(movie.title), [])
            if all(c.movie_id != movie.movie_id for c in same):
                same.append(movie)

    # --- TMDB ---

    def _match_on_tmdb(self, films: Sequence[FilmRef], client: TmdbClient) -> dict[FilmRef, Match]:
        self._breaker = _Breaker()
        looked_up = self._map(lambda film: self._look_up(film, client), films, uses_db=False)
        wanted = {found.tmdb_id for found in looked_up if isinstance(found, _Found)}
        movie_ids: dict[int, int | str] = dict(_movies_by("tmdb_id", wanted))
        missing = sorted(wanted - movie_ids.keys())
        imports = self._map(lambda tmdb_id: self._import(tmdb_id, client), missing, uses_db=True)
        for tmdb_id, imported in zip(missing, imports, strict=True):
            if isinstance(imported, Movie):
                year = imported.release_date.year if imported.release_date else None
                self._index(Candidate(imported.title, year, tmdb_id, imported.pk))
                movie_ids[tmdb_id] = imported.pk
            else:
                movie_ids[tmdb_id] = imported
        return {film: self._tmdb_match(film, found, movie_ids) for film, found in zip(films, looked_up, strict=True)}

    def _tmdb_match(self, film: FilmRef, found: _Found | Match, movie_ids: dict[int, int | str]) -> Match:
        if isinstance(found, Match):  # the catalogue's near misses still help when TMDB offers none
            local = self._by_film[film].candidates
            return found if found.candidates or not local else replace(found, candidates=local)
        outcome = movie_ids[found.tmdb_id]
        return Match(None, reason=outcome) if isinstance(outcome, str) else Match(outcome, found.via)

    def _look_up(self, film: FilmRef, client: TmdbClient) -> _Found | Match:
        if self._breaker.is_open:
            return Match(None, reason=TMDB_UNAVAILABLE)
        try:
            found = self._look_up_on_tmdb(film, client)
        except TmdbError as exc:
            self._failed(exc, film.title or film.imdb_id)
            return Match(None, reason=TMDB_UNAVAILABLE)
        self._breaker.succeeded()
        return found

    def _look_up_on_tmdb(self, film: FilmRef, client: TmdbClient) -> _Found | Match:
        if film.tmdb_id:
            return _Found(film.tmdb_id, VIA_TMDB_ID_IMPORT)
        if IMDB_ID_PATTERN.fullmatch(film.imdb_id):
            linked = [_summary_candidate(summary) for summary in client.find_by_imdb_id(film.imdb_id)]
            found = _found(linked[0] if len(linked) == 1 else unique_fit(linked, film.year), VIA_TMDB_FIND)
            if found is not None:
                return found
        return self._search(film, client)  # TMDB links no film (or several) to the IMDb id: try the title

    def _search(self, film: FilmRef, client: TmdbClient) -> _Found | Match:
        name = normalise_title(film.title)
        if not name:
            return Match(None, reason=NO_UNIQUE_MATCH)
        results = client.search_movies(film.title, primary_release_year=film.year).results
        if not results and film.year is not None:
            results = client.search_movies(film.title).results
        same = [
            _summary_candidate(summary)
            for summary in results
            if name in (normalise_title(summary.title), normalise_title(summary.original_title))
        ]
        found = _found(unique_fit(same, film.year), VIA_TMDB_SEARCH)
        if found is not None:
            return found
        candidates = dict.fromkeys([*same, *map(_summary_candidate, results)])
        return Match(None, reason=NO_UNIQUE_MATCH, candidates=tuple(candidates)[:MAX_CANDIDATES])

    def _import(self, tmdb_id: int, client: TmdbClient) -> Movie | str:
        if self._breaker.is_open:
            return TMDB_UNAVAILABLE
        try:
            outcome = import_movie(tmdb_id, client=client)
        except TmdbNotFound:
            return UNKNOWN_TMDB_ID
        except TmdbError as exc:
            self._failed(exc, f"movie {tmdb_id}")
            return TMDB_UNAVAILABLE
        self._breaker.succeeded()
        return outcome.movie

    def _failed(self, exc: TmdbError, what: str) -> None:
        self._breaker.failed(exc)
        logger.warning("TMDB lookup for a history import failed (%s): %s", what, describe_error(exc))

    def _map(self, call: Callable[[T], R], items: Sequence[T], *, uses_db: bool) -> list[R]:
        """``call`` for each item, on the worker threads when there are several (database work stays in this
        thread inside a transaction: other connections could neither see its rows nor, on SQLite, write)."""
        if self.workers == 1 or len(items) < 2 or (uses_db and connection.in_atomic_block):
            return [call(item) for item in items]
        task = functools.partial(_closing_connections, call) if uses_db else call
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items)), thread_name_prefix="history-match") as pool:
            return list(pool.map(task, items))
