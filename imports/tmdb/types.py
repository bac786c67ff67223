"""Typed, immutable views of TMDB API v3 responses.

Every ``from_api`` constructor takes the decoded JSON body, ignores fields it does not know and survives TMDB's
quirks: ``release_date: ""`` (and unparseable dates) become ``None``, ``overview``/``title`` ``null`` become ``""``,
``poster_path``/``backdrop_path``/``imdb_id`` ``null`` or ``""`` become ``None``, ``runtime``/``budget``/``revenue``
missing, ``null`` or ``0`` (TMDB's "unknown") become ``None``, and missing ``credits``/``keywords``/``genres`` become
empty tuples. Values of the wrong type count as missing (a title that is an object is no title), and numbers too big
for our columns (ids past 32 bits, amounts past 64) as unknown. Text is kept as text (markup included: pages escape
it), an overview to ``MAX_OVERVIEW`` characters, keywords and directors to ``MAX_KEYWORDS`` and ``MAX_DIRECTORS``; an
``imdb_id`` that is not ``tt`` and digits, or an image path that is not one file name (``/abc.jpg``), counts as
missing, and so does an image base URL that is not http(s). A body that is not an object, or lacks a usable ``id``,
raises ``ValueError`` (the client turns that into :class:`imports.tmdb.errors.TmdbBadResponse`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

MAX_CAST = 10
MAX_DIRECTORS = 10
MAX_KEYWORDS = 100
MAX_OVERVIEW = 10_000  # characters: TMDB's longest run to a few thousand
IMDB_ID_PATTERN = re.compile(r"tt\d+")  # an IMDb title id, e.g. tt0137523
IMAGE_PATH_PATTERN = re.compile(r"/[A-Za-z0-9_-][A-Za-z0-9_.-]*")  # TMDB's image paths: one file name, "/abc.jpg"
DEFAULT_IMAGE_BASE_URL = "https://image.tmdb.org/t/p/"
DEFAULT_POSTER_SIZES = ("w92", "w154", "w185", "w342", "w500", "w780", "original")
DEFAULT_BACKDROP_SIZES = ("w300", "w780", "w1280", "original")
# TMDB's ids are 32-bit, as are the columns that keep them; budgets and revenues go into 64-bit columns.
MAX_ID = 2**31 - 1
MAX_AMOUNT = 2**63 - 1


# --- field coercion -------------------------------------------------------------------------------------------


def _require_mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"expected a JSON object for {what}, got {type(data).__name__}")
    return data


def _require_id(data: Mapping[str, Any], what: str) -> int:
    value = _int_or_none(data.get("id"))
    if value is None or not 0 < value <= MAX_ID:
        raise ValueError(f"{what} has no usable id: {data.get('id')!r}")
    return value


def _int_or_none(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _positive_or_none(value: Any) -> int | None:
    """TMDB uses 0 (or null, or nothing) for an unknown runtime, budget or revenue."""
    number = _int_or_none(value)
    return number if number is not None and 0 < number <= MAX_AMOUNT else None


def _int(value: Any, default: int = 0) -> int:
    number = _int_or_none(value)
    return default if number is None else number


def _float(value: Any, default: float = 0.0) -> float:
    if value is None or isinstance(value, bool):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a title such as 1917 sent as a number
    return ""


def _optional_text(value: Any) -> str | None:
    text = _text(value).strip()
    return text or None


def _matching(pattern: re.Pattern[str], value: Any) -> str | None:
    text = _optional_text(value)
    return text if text is not None and pattern.fullmatch(text) else None


def _web_url(value: Any) -> str | None:
    """An http(s) URL with a host; None for anything else (``javascript:``, ``//host``, a path)."""
    text = _optional_text(value)
    if text is None:
        return None
    parts = urlsplit(text)
    return text if parts.scheme in {"http", "https"} and parts.hostname else None


def _date_or_none(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _objects(value: Any) -> list[Mapping[str, Any]]:
    """The mappings in a JSON list; anything else (null, missing, a string) counts as an empty list."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


# --- types ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Genre:
    id: int
    name: str

    @classmethod
    def from_api(cls, data: Any) -> Genre:
        data = _require_mapping(data, "genre")
        return cls(id=_require_id(data, "genre"), name=_text(data.get("name")).strip())


def _genres(value: Any) -> tuple[Genre, ...]:
    genres = []
    for item in _objects(value):
        try:
            genres.append(Genre.from_api(item))
        except ValueError:
            continue
    return tuple(genres)


@dataclass(frozen=True)
class MovieDetails:
    """``GET /movie/{id}?append_to_response=credits,keywords``."""

    id: int
    title: str
    overview: str
    release_date: dt.date | None
    runtime: int | None
    budget: int | None
    revenue: int | None
    imdb_id: str | None
    poster_path: str | None
    backdrop_path: str | None
    genres: tuple[Genre, ...]
    keywords: tuple[str, ...]
    cast: tuple[str, ...]
    directors: tuple[str, ...]
    popularity: float
    vote_average: float
    vote_count: int

    @classmethod
    def from_api(cls, data: Any, *, max_cast: int = MAX_CAST) -> MovieDetails:
        data = _require_mapping(data, "movie")
        credits = data.get("credits") if isinstance(data.get("credits"), Mapping) else {}
        cast_entries = [c for c in _objects(credits.get("cast")) if _optional_text(c.get("name"))]
        # Top-billed first; entries without an order go last, ties keep TMDB's order (sorted() is stable).
        cast_entries.sort(key=lambda c: (_int_or_none(c.get("order")) is None, _int(c.get("order"))))
        cast = _dedupe(_text(c.get("name")).strip() for c in cast_entries)[: max(max_cast, 0)]
        directors = _dedupe(
            _text(c.get("name")).strip() for c in _objects(credits.get("crew")) if c.get("job") == "Director"
        )
        keywords_block = data.get("keywords")
        if isinstance(keywords_block, Mapping):
            # Movies nest them under "keywords"; TV under "results". Accept either.
            raw_keywords = keywords_block.get("keywords", keywords_block.get("results"))
        else:
            raw_keywords = keywords_block
        keywords = _dedupe(_text(k.get("name")).strip() for k in _objects(raw_keywords))
        return cls(
            id=_require_id(data, "movie"),
            title=_text(data.get("title")).strip(),
            overview=_text(data.get("overview"))[:MAX_OVERVIEW],
            release_date=_date_or_none(data.get("release_date")),
            runtime=_positive_or_none(data.get("runtime")),
            budget=_positive_or_none(data.get("budget")),
            revenue=_positive_or_none(data.get("revenue")),
            imdb_id=_matching(IMDB_ID_PATTERN, data.get("imdb_id")),
            poster_path=_matching(IMAGE_PATH_PATTERN, data.get("poster_path")),
            backdrop_path=_matching(IMAGE_PATH_PATTERN, data.get("backdrop_path")),
            genres=_genres(data.get("genres")),
            keywords=keywords[:MAX_KEYWORDS],
            cast=cast,
            directors=directors[:MAX_DIRECTORS],
            popularity=_float(data.get("popularity")),
            vote_average=_float(data.get("vote_average")),
            vote_count=_int(data.get("vote_count")),
        )


@dataclass(frozen=True)
class MovieSummary:
    """One entry of a list or search page."""

    id: int
    title: str
    release_date: dt.date | None
    poster_path: str | None
    overview: str
    genre_ids: tuple[int, ...]
    popularity: float = 0.0
    vote_average: float = 0.0
    vote_count: int = 0
    original_title: str = ""  # the title in the film's own language ("" when TMDB sends none)

    @classmethod
    def from_api(cls, data: Any) -> MovieSummary:
        data = _require_mapping(data, "movie summary")
        raw_genre_ids = data.get("genre_ids")
        genre_ids = tuple(
            g
            for g in (_int_or_none(x) for x in (raw_genre_ids if isinstance(raw_genre_ids, list) else ()))
            if g is not None
        )
        return cls(
            id=_require_id(data, "movie summary"),
            title=_text(data.get("title")).strip(),
            release_date=_date_or_none(data.get("release_date")),
            poster_path=_matching(IMAGE_PATH_PATTERN, data.get("poster_path")),
            overview=_text(data.get("overview"))[:MAX_OVERVIEW],
            genre_ids=genre_ids,
            popularity=_float(data.get("popularity")),
            vote_average=_float(data.get("vote_average")),
            vote_count=_int(data.get("vote_count")),
            original_title=_text(data.get("original_title")).strip(),
        )


def _summaries(items: list[Any]) -> tuple[MovieSummary, ...]:
    results = []
    for item in items:
        try:
            results.append(MovieSummary.from_api(item))
        except ValueError:
            continue  # one broken entry should not lose the others
    return tuple(results)


@dataclass(frozen=True)
class MoviePage:
    """``/movie/popular``, ``/movie/top_rated`` and ``/search/movie``: one page of (up to 20) summaries."""

    page: int
    total_pages: int
    total_results: int
    results: tuple[MovieSummary, ...]

    @property
    def has_next(self) -> bool:
        return self.page < min(self.total_pages, 500)

    @classmethod
    def empty(cls, page: int = 1) -> MoviePage:
        return cls(page=page, total_pages=0, total_results=0, results=())

    @classmethod
    def from_api(cls, data: Any) -> MoviePage:
        data = _require_mapping(data, "movie page")
        if not isinstance(data.get("results"), list):
            raise ValueError("movie page has no results list")
        return cls(
            page=_int(data.get("page"), 1),
            total_pages=_int(data.get("total_pages")),
            total_results=_int(data.get("total_results")),
            results=_summaries(data["results"]),
        )


def movies_found_from_api(data: Any) -> tuple[MovieSummary, ...]:
    """``GET /find/{external_id}`` -> its ``movie_results`` (people, TV shows and episodes are ignored)."""
    data = _require_mapping(data, "find results")
    if not isinstance(data.get("movie_results"), list):
        raise ValueError("find results have no movie_results list")
    return _summaries(data["movie_results"])


def genres_from_api(data: Any) -> tuple[Genre, ...]:
    """``GET /genre/movie/list`` -> ``({"genres": [{"id", "name"}, ...]})``."""
    data = _require_mapping(data, "genre list")
    if not isinstance(data.get("genres"), list):
        raise ValueError("genre list has no genres list")
    return _genres(data["genres"])


def image_url(base_url: str, size: str, path: str | None) -> str | None:
    """``https://image.tmdb.org/t/p/w500/abc.jpg`` for base ``https://image.tmdb.org/t/p/``, size ``w500`` and path
    ``/abc.jpg``; ``None`` without a path."""
    if not path or not path.strip():
        return None
    return f"{base_url.rstrip('/')}/{size}/{path.strip().lstrip('/')}"


@dataclass(frozen=True)
class ImageConfiguration:
    """The ``images`` block of ``GET /configuration``, and image URL building."""

    secure_base_url: str = DEFAULT_IMAGE_BASE_URL
    poster_sizes: tuple[str, ...] = DEFAULT_POSTER_SIZES
    backdrop_sizes: tuple[str, ...] = DEFAULT_BACKDROP_SIZES

    @classmethod
    def from_api(cls, data: Any) -> ImageConfiguration:
        data = _require_mapping(data, "configuration")
        images = _require_mapping(data.get("images"), "configuration.images")
        base = _web_url(images.get("secure_base_url")) or _web_url(images.get("base_url"))
        if base is None:
            raise ValueError("configuration.images has no http(s) base URL")

        def sizes(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            raw = images.get(key)
            if not isinstance(raw, list):
                return default
            return tuple(s for s in raw if isinstance(s, str) and s)

        return cls(
            secure_base_url=base,
            poster_sizes=sizes("poster_sizes", DEFAULT_POSTER_SIZES),
            backdrop_sizes=sizes("backdrop_sizes", DEFAULT_BACKDROP_SIZES),
        )

    def _url(self, path: str | None, size: str, sizes: tuple[str, ...], kind: str) -> str | None:
        if not path or not path.strip():
            return None
        if sizes and size not in sizes:
            raise ValueError(f"unknown {kind} size {size!r}; TMDB offers {', '.join(sizes)}")
        return image_url(self.secure_base_url, size, path)

    def poster_url(self, path: str | None, size: str = "w500") -> str | None:
        """``https://image.tmdb.org/t/p/w500/abc.jpg`` for ``path="/abc.jpg"``; ``None`` when there is no poster."""
        return self._url(path, size, self.poster_sizes, "poster")

    def backdrop_url(self, path: str | None, size: str = "w1280") -> str | None:
        return self._url(path, size, self.backdrop_sizes, "backdrop")


__all__ = [
    "IMAGE_PATH_PATTERN",
    "IMDB_ID_PATTERN",
    "MAX_CAST",
    "MAX_DIRECTORS",
    "MAX_KEYWORDS",
    "MAX_OVERVIEW",
    "Genre",
    "ImageConfiguration",
    "MovieDetails",
    "MoviePage",
    "MovieSummary",
    "genres_from_api",
    "image_url",
    "movies_found_from_api",
]
