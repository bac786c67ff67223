"""Readers of the files each source exports. A reader turns one file (a text stream) into :class:`HistoryRow` s;
a file it cannot read raises :class:`FormatError`, a row it cannot import is yielded with a ``skip_reason``."""

from collections.abc import Iterator
from typing import TextIO

from imports.history.readers import flixreview, imdb, letterboxd, trakt
from imports.history.readers.common import FormatError, Reader
from imports.history.rows import HistoryRow, Source

__all__ = ["KINDS", "FormatError", "read", "reading_order", "source_of"]

# Every kind of file, in reading order: within a source, the facts that later ones build on come first (a rating
# before the review that carries it, a review before the diary entries of the same film).
KINDS: dict[str, tuple[Source, Reader]] = {
    "ratings": (Source.LETTERBOXD, letterboxd.read_ratings),
    "reviews": (Source.LETTERBOXD, letterboxd.read_reviews),
    "diary": (Source.LETTERBOXD, letterboxd.read_diary),
    "watched": (Source.LETTERBOXD, letterboxd.read_watched),
    "watchlist": (Source.LETTERBOXD, letterboxd.read_watchlist),
    "likes": (Source.LETTERBOXD, letterboxd.read_likes),
    "list": (Source.LETTERBOXD, letterboxd.read_list),
    "import_csv": (Source.LETTERBOXD, letterboxd.read_import),
    "imdb_ratings": (Source.IMDB, imdb.read_ratings),
    "imdb_watchlist": (Source.IMDB, imdb.read_watchlist),
    "imdb_list": (Source.IMDB, imdb.read_list),
    "trakt_ratings": (Source.TRAKT, trakt.read_ratings),
    "trakt_history": (Source.TRAKT, trakt.read_history),
    "trakt_watched": (Source.TRAKT, trakt.read_watched),
    "trakt_watchlist": (Source.TRAKT, trakt.read_watchlist),
    "export_json": (Source.FLIXREVIEW, flixreview.read_export),
}
_ORDER = {kind: index for index, kind in enumerate(KINDS)}


def source_of(kind: str) -> Source:
    return KINDS[kind][0]


def reading_order(kind: str) -> int:
    return _ORDER[kind]


def read(kind: str, stream: TextIO, file: str) -> Iterator[HistoryRow]:
    """The rows of one file of the given kind, ``file`` being the name rows carry."""
    return KINDS[kind][1](stream, file)
