"""What every reader yields: one :class:`HistoryRow` per source row, already in FlixReview's terms (ratings in
half stars, dates as dates). The matcher turns each row's :class:`FilmRef` into a movie; the writer merges the
row's fact into the member's history."""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class Source(StrEnum):
    LETTERBOXD = "letterboxd"
    IMDB = "imdb"
    TRAKT = "trakt"
    FLIXREVIEW = "flixreview"


class Fact(StrEnum):
    """What a row says about a film. The order is the order facts are written in (see Upload.rows)."""

    RATING = "rating"  # a rating, dated: becomes (or updates) the member's review of the film
    REVIEW = "review"  # a rating with text: the review's body
    DIARY = "diary"  # one viewing on a date
    WATCHED = "watched"  # seen, without a date
    WATCHLIST = "watchlist"
    LIKE = "like"
    NOT_INTERESTED = "not_interested"  # left out of recommendations (a FlixReview export's own mark)
    LIST_ITEM = "list_item"  # one film of a list, with the list's name and description


@dataclass(frozen=True)
class FilmRef:
    """How a row names its film. ``key`` is the source's own id for the row or film (a Letterboxd URI, an IMDb
    const, ``trakt:<id>``): once matched it is remembered, so the next import of the same row needs no search."""

    title: str = ""
    year: int | None = None
    tmdb_id: int | None = None
    imdb_id: str = ""
    key: str = ""


@dataclass(frozen=True)
class ListInfo:
    name: str
    description: str = ""
    ranked: bool = False
    public: bool = True
    key: str = ""  # the source's URL or id of the list, when it has one


@dataclass(frozen=True)
class HistoryRow:
    file: str  # the member or file name the row came from, e.g. "diary.csv"
    line: int  # its row number in that file, counting the header as line 1
    fact: Fact
    film: FilmRef
    # When the row was made at the source (rated, reviewed, added, liked): a date, or a datetime when the source
    # keeps the time (a FlixReview export, Trakt).
    date: datetime.date | datetime.datetime | None = None
    rating: float | None = None  # 0.5 to 5 in halves; None: no rating
    review: str = ""
    watched_on: datetime.date | None = None
    rewatch: bool = False
    tags: tuple[str, ...] = ()
    film_list: ListInfo | None = None  # LIST_ITEM rows
    position: int | None = None  # LIST_ITEM rows: 1-based place in the list
    note: str = ""  # LIST_ITEM rows
    skip_reason: str = ""  # set: the row is read, counted as skipped and not matched (e.g. "TV Series")
    extra: dict[str, str] = field(default_factory=dict, compare=False)
