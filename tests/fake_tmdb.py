"""A local fake of TMDB API v3 for end-to-end tests and benchmarks (standard library only).

It serves, under ``/3``: ``/movie/{id}`` (honouring ``append_to_response=credits,keywords``), ``/movie/popular`` and
``/movie/top_rated`` (pages of 20 with ``page``/``total_pages``/``total_results``), ``/search/movie?query=`` (with
``year`` and ``primary_release_year``), ``/find/{external_id}?external_source=imdb_id``, ``/genre/movie/list`` and
``/configuration``. Every request must carry ``Authorization: Bearer <api_token>`` or ``api_key=<api_key>``,
otherwise TMDB's 401 body (status_code 7) comes back; unknown ids and paths get TMDB's 404 body (status_code 34).
It is fed TMDB ``/movie/{id}`` bodies (with ``credits`` and ``keywords``), e.g. one per line of a JSONL file
(:func:`load_movies`).

Search matches the way TMDB does, well enough for tests: the query is a substring of the title or the original
title, ignoring case, accents and punctuation ("amelie" finds "Amélie", "spider man" finds "Spider-Man"); ``year``
and ``primary_release_year`` each keep only the films first released in that year. ``/find`` knows each body's
``imdb_id`` and the ``imdb_ids={tmdb_id: "tt..."}`` option (which wins, and shows in ``/movie/{id}`` too); an id it
does not know answers 200 with empty lists, as TMDB does; a missing or unknown ``external_source`` answers TMDB's
422 (status_code 5, invalid parameters).

In tests::

    app = FakeTmdb(movies)
    app.inject("/movie/550", Fault.too_many_requests(retry_after=1), times=2)
    with run_fake_tmdb(app) as base_url:          # http://127.0.0.1:<ephemeral>/3
        ...
    assert app.count("/movie/550") == 3

For benchmarks::

    python -m tests.fake_tmdb --movies ../shared/data/tmdb-5000/movies.jsonl --port 8765 \
        --imdb-ids ../shared/data/imports/letterboxd-expected.json

(``--imdb-ids``: a JSON object of TMDB id -> IMDb id, or a file whose ``films`` maps TMDB ids to ``{"imdb_id"}``)

which also answers ``GET /__fake__/stats`` (request counts per path), ``POST /__fake__/reset`` and
``POST /__fake__/faults`` (JSON ``{"pattern", "status", "retry_after", "delay", "malformed", "times"}``).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import fnmatch
import json
import math
import signal
import socketserver
import sys
import threading
import time
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

DEFAULT_TOKEN = "fake-tmdb-read-access-token"
DEFAULT_API_KEY = "fake-tmdb-api-key"
PAGE_SIZE = 20
MAX_PAGE = 500
API_PREFIX = "/3"
ADMIN_PREFIX = "/__fake__"


def _tmdb_error(code: int, message: str) -> dict[str, Any]:
    return {"success": False, "status_code": code, "status_message": message}


# TMDB's error bodies (https://developer.themoviedb.org/docs/errors).
BODY_400_PAGE = _tmdb_error(22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.")
BODY_401 = _tmdb_error(7, "Invalid API key: You must be granted a valid key.")
BODY_404 = _tmdb_error(34, "The resource you requested could not be found.")
BODY_405 = _tmdb_error(42, "This request method is not supported for this resource.")
BODY_422 = _tmdb_error(5, "Invalid parameters: Your request parameters are incorrect.")
BODY_429 = _tmdb_error(25, "Your request count (#) is over the allowed limit of (40).")
BODY_500 = _tmdb_error(11, "Internal error: Something went wrong, contact TMDB.")
BODY_502 = _tmdb_error(43, "Couldn't connect to the backend server.")
BODY_503 = _tmdb_error(9, "Service offline: This service is temporarily offline, try again later.")
BODY_504 = _tmdb_error(24, "Your request to the backend server timed out. Try again.")
ERROR_BODIES = {
    400: BODY_400_PAGE,
    401: BODY_401,
    404: BODY_404,
    405: BODY_405,
    422: BODY_422,
    429: BODY_429,
    500: BODY_500,
    502: BODY_502,
    503: BODY_503,
    504: BODY_504,
}

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

# TMDB's movie genre list (GET /genre/movie/list); genres found in the movies are added to it.
TMDB_MOVIE_GENRES = (
    (28, "Action"),
    (12, "Adventure"),
    (16, "Animation"),
    (35, "Comedy"),
    (80, "Crime"),
    (99, "Documentary"),
    (18, "Drama"),
    (10751, "Family"),
    (14, "Fantasy"),
    (36, "History"),
    (27, "Horror"),
    (10402, "Music"),
    (9648, "Mystery"),
    (10749, "Romance"),
    (878, "Science Fiction"),
    (10770, "TV Movie"),
    (53, "Thriller"),
    (10752, "War"),
    (37, "Western"),
)

# Fields every real /movie/{id} body has, filled in when a fed body lacks them.
MOVIE_DEFAULTS: dict[str, Any] = {
    "adult": False,
    "backdrop_path": None,
    "belongs_to_collection": None,
    "imdb_id": None,
    "poster_path": None,
    "video": False,
}
# The external_source values /find accepts; only imdb_id finds movies.
EXTERNAL_SOURCES = frozenset(
    {"imdb_id", "facebook_id", "instagram_id", "tvdb_id", "tiktok_id", "twitter_id", "wikidata_id", "youtube_id"}
)
FIND_RESULT_LISTS = ("movie_results", "person_results", "tv_results", "tv_episode_results", "tv_season_results")
SUMMARY_FIELDS = (
    "adult",
    "backdrop_path",
    "id",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "poster_path",
    "release_date",
    "title",
    "video",
    "vote_average",
    "vote_count",
)


# --- faults ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour for one request.

    ``status`` 200 with no ``body`` means "answer normally" (after ``delay`` seconds), so ``Fault.slow(5)`` is a
    correct response that arrives too late. Any other status answers that status with ``body`` (or TMDB's error
    body for it) and ``headers``.
    """

    status: int = 200
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0

    @classmethod
    def too_many_requests(cls, retry_after: float | None = None) -> Fault:
        headers = () if retry_after is None else (("Retry-After", f"{retry_after:g}"),)
        return cls(status=429, headers=headers)

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls(status=status)

    @classmethod
    def service_unavailable(cls) -> Fault:
        return cls(status=503)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        return cls(delay=seconds)

    @classmethod
    def malformed_json(cls) -> Fault:
        return cls(status=200, body=b'{"id": 550, "title": "Fight Club", "overview": ')

    @classmethod
    def unauthorized(cls) -> Fault:
        return cls(status=401)

    @classmethod
    def not_found(cls) -> Fault:
        return cls(status=404)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """From the admin endpoint's JSON: ``status``, ``retry_after``, ``delay``, ``malformed``."""
        if data.get("malformed"):
            return cls(status=200, body=cls.malformed_json().body, delay=float(data.get("delay", 0)))
        status = int(data.get("status", 200))
        headers = () if data.get("retry_after") is None else (("Retry-After", f"{float(data['retry_after']):g}"),)
        return cls(status=status, headers=headers, delay=float(data.get("delay", 0)))


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # relative to /3, e.g. "/movie/550"
    query: dict[str, list[str]]  # without api_key
    auth: str | None  # "bearer", "api_key" or None (whether valid or not)
    status: int


# --- data -----------------------------------------------------------------------------------------------------


def load_movies(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """TMDB movie bodies from a JSONL file, one object per line (blank lines skipped)."""
    movies: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if limit is not None and len(movies) >= limit:
                break
            if not line.strip():
                continue
            try:
                movie = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc})") from exc
            if not isinstance(movie, dict) or not isinstance(movie.get("id"), int):
                raise ValueError(f"{path}:{number}: not a TMDB movie object with an integer id")
            movies.append(movie)
    return movies


def load_imdb_ids(path: str | Path) -> dict[int, str]:
    """TMDB id -> IMDb id from a JSON file: either that object itself (``{"550": "tt0137523"}``) or an object whose
    ``films`` maps TMDB ids to objects with an ``imdb_id`` (the example imports' ``*-expected.json``)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    films = data.get("films")
    if isinstance(films, dict):
        data = {key: film.get("imdb_id") for key, film in films.items() if isinstance(film, dict)}
    try:
        return {int(key): value for key, value in data.items() if isinstance(value, str) and value}
    except ValueError as exc:
        raise ValueError(f"{path}: keys must be TMDB ids ({exc})") from exc


def fold(text: str | None) -> str:
    """``text`` as search compares it: without case, accents or punctuation ("Amélie: d'Abord" -> "amelie d abord")."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    kept = "".join(char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char))
    return " ".join(kept.split())


def _summary(movie: Mapping[str, Any]) -> dict[str, Any]:
    body = {**MOVIE_DEFAULTS, **movie}
    summary = {key: body.get(key) for key in SUMMARY_FIELDS}
    summary["original_title"] = summary["original_title"] or body.get("title")
    summary["genre_ids"] = [g["id"] for g in body.get("genres") or [] if isinstance(g, Mapping) and "id" in g]
    return summary


def _json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- the WSGI app ---------------------------------------------------------------------------------------------


class FakeTmdb:
    """The WSGI application. Thread-safe; inspect ``count()`` / ``request_counts`` / ``requests`` afterwards."""

    def __init__(
        self,
        movies: Iterable[Mapping[str, Any]] = (),
        *,
        api_token: str | None = DEFAULT_TOKEN,
        api_key: str | None = DEFAULT_API_KEY,
        page_size: int = PAGE_SIZE,
        latency: float = 0.0,
        top_rated_min_votes: int = 0,
        image_base_url: str = "https://image.tmdb.org/t/p/",
        record_requests: bool = True,
        imdb_ids: Mapping[int, str] | None = None,
    ) -> None:
        self.api_token = api_token
        self.api_key = api_key
        self.page_size = page_size
        self.latency = latency
        self.image_base_url = image_base_url
        self.record_requests = record_requests
        self._movies: dict[int, dict[str, Any]] = {}
        for movie in movies:
            self._movies[int(movie["id"])] = dict(movie)
        for movie_id, imdb_id in (imdb_ids or {}).items():
            if int(movie_id) in self._movies:
                self._movies[int(movie_id)]["imdb_id"] = imdb_id
        self._by_imdb_id = {m["imdb_id"]: movie_id for movie_id, m in self._movies.items() if m.get("imdb_id")}
        summaries = {movie_id: _summary(movie) for movie_id, movie in self._movies.items()}
        self._summaries = summaries
        # What search compares the query with, folded once rather than for every search.
        self._search_texts = {
            movie_id: (fold(summary["title"]), fold(summary["original_title"]))
            for movie_id, summary in summaries.items()
        }
        self._popular = sorted(summaries.values(), key=lambda s: (-(s["popularity"] or 0), s["id"]))
        self._top_rated = sorted(
            (s for s in summaries.values() if (s["vote_count"] or 0) >= top_rated_min_votes),
            key=lambda s: (-(s["vote_average"] or 0), -(s["vote_count"] or 0), s["id"]),
        )
        genres = dict(TMDB_MOVIE_GENRES)
        for movie in self._movies.values():
            for genre in movie.get("genres") or []:
                if isinstance(genre, Mapping) and "id" in genre:
                    genres.setdefault(genre["id"], genre.get("name", ""))
        self._genres = [{"id": gid, "name": name} for gid, name in genres.items()]
        self._lock = threading.Lock()
        self._faults: list[tuple[str, deque[Fault]]] = []
        self._counts: Counter[str] = Counter()
        self._requests: list[RequestRecord] = []
        self._closing = threading.Event()

    # --- scripting and inspection ---

    def inject(self, pattern: str, *faults: Fault, times: int = 1) -> None:
        """Queue ``faults`` (each repeated ``times``) for requests whose path matches the glob ``pattern``
        (relative to /3, e.g. ``"/movie/550"``, ``"/movie/*"``, ``"*"``). Queued faults are used in order, one per
        request; once a pattern's queue is empty, requests are answered normally."""
        queue = deque(fault for fault in faults for _ in range(times))
        with self._lock:
            self._faults.append((pattern, queue))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> int:
        with self._lock:
            return sum(len(queue) for _, queue in self._faults)

    def count(self, path: str | None = None) -> int:
        """Requests received for ``path`` (relative to /3), or in total, counted as they arrive."""
        with self._lock:
            return self._counts[path] if path is not None else sum(self._counts.values())

    def wait_for_count(self, path: str, expected: int, timeout: float = 5.0) -> int:
        """The count for ``path`` once it reaches ``expected`` (or when ``timeout`` runs out): a client that gave up
        waiting may leave its last request still on its way to the server's handler."""
        deadline = time.monotonic() + timeout
        while self.count(path) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.count(path)

    @property
    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    @property
    def requests(self) -> list[RequestRecord]:
        """Answered requests, in the order their answers were sent (``record_requests=True`` only)."""
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        """Forget counts, recorded requests and queued faults."""
        with self._lock:
            self._counts.clear()
            self._requests.clear()
            self._faults.clear()

    def close(self) -> None:
        """Wake every request that is sleeping in a delay (the server is shutting down)."""
        self._closing.set()

    @property
    def movie_ids(self) -> list[int]:
        return list(self._movies)

    # --- WSGI ---

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        raw_path = environ.get("PATH_INFO", "") or "/"
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)

        if raw_path.startswith(ADMIN_PREFIX):
            status, body, headers = self._admin(method, raw_path[len(ADMIN_PREFIX) :], environ)
            return self._respond(start_response, status, body, headers)

        path = raw_path[len(API_PREFIX) :] if raw_path.startswith(API_PREFIX + "/") else raw_path
        path = path.rstrip("/") or "/"
        auth = self._auth_kind(environ, query)
        with self._lock:
            self._counts[path] += 1  # counted on arrival, so a request still sleeping in a slow fault counts
        fault = self._next_fault(path)

        if fault is not None and fault.delay > 0:
            self._closing.wait(fault.delay)
        elif self.latency > 0:
            self._closing.wait(self.latency)

        if fault is not None and (fault.status != 200 or fault.body is not None):
            status = fault.status
            body = fault.body if fault.body is not None else _json(ERROR_BODIES.get(status, BODY_500))
            headers = list(fault.headers)
        elif not raw_path.startswith(API_PREFIX + "/"):
            status, body, headers = 404, _json(BODY_404), []
        elif not self._authorized(environ, query):
            status, body, headers = 401, _json(BODY_401), []
        elif method != "GET":
            status, body, headers = 405, _json(BODY_405), []
        else:
            status, payload = self._route(path, query)
            body, headers = _json(payload), []

        self._record(method, path, query, auth, status)
        return self._respond(start_response, status, body, headers)

    def _respond(
        self, start_response: Callable[..., Any], status: int, body: bytes, headers: list[tuple[str, str]]
    ) -> list[bytes]:
        start_response(
            f"{status} {REASONS.get(status, 'Error')}",
            [
                ("Content-Type", "application/json;charset=utf-8"),
                ("Content-Length", str(len(body))),
                *headers,
            ],
        )
        return [body]

    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            for pattern, queue in self._faults:
                if queue and fnmatch.fnmatchcase(path, pattern):
                    return queue.popleft()
        return None

    def _record(self, method: str, path: str, query: dict[str, list[str]], auth: str | None, status: int) -> None:
        if not self.record_requests:
            return
        clean_query = {k: v for k, v in query.items() if k != "api_key"}
        with self._lock:
            self._requests.append(RequestRecord(method, path, clean_query, auth, status))

    @staticmethod
    def _auth_kind(environ: Mapping[str, Any], query: Mapping[str, list[str]]) -> str | None:
        if environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return "bearer"
        if "api_key" in query:
            return "api_key"
        return None

    def _authorized(self, environ: Mapping[str, Any], query: Mapping[str, list[str]]) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if self.api_token and header == f"Bearer {self.api_token}":
            return True
        return bool(self.api_key) and query.get("api_key", [None])[0] == self.api_key

    # --- routes ---

    def _route(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if path == "/movie/popular":
            return self._page(self._popular, query)
        if path == "/movie/top_rated":
            return self._page(self._top_rated, query)
        if path == "/search/movie":
            return self._search(query)
        if path == "/genre/movie/list":
            return 200, {"genres": self._genres}
        if path == "/configuration":
            return 200, self._configuration()
        if len(parts) == 2 and parts[0] == "find":
            return self._find(parts[1], query)
        if len(parts) == 2 and parts[0] == "movie" and parts[1].isdigit():
            return self._movie(int(parts[1]), query)
        return 404, BODY_404

    def _movie(self, movie_id: int, query: Mapping[str, list[str]]) -> tuple[int, Any]:
        movie = self._movies.get(movie_id)
        if movie is None:
            return 404, BODY_404
        appended = {
            name.strip() for value in query.get("append_to_response", []) for name in value.split(",") if name.strip()
        }
        body = {**MOVIE_DEFAULTS, **{k: v for k, v in movie.items() if k not in ("credits", "keywords")}}
        if "credits" in appended:
            body["credits"] = copy.deepcopy(movie.get("credits") or {"cast": [], "crew": []})
        if "keywords" in appended:
            body["keywords"] = copy.deepcopy(movie.get("keywords") or {"keywords": []})
        return 200, body

    def _page(self, items: list[dict[str, Any]], query: Mapping[str, list[str]]) -> tuple[int, Any]:
        raw = query.get("page", ["1"])[0]
        try:
            page = int(raw)
        except ValueError:
            return 400, BODY_400_PAGE
        if not 1 <= page <= MAX_PAGE:
            return 400, BODY_400_PAGE
        total_results = min(len(items), MAX_PAGE * self.page_size)
        total_pages = math.ceil(total_results / self.page_size)
        start = (page - 1) * self.page_size
        results = items[start : start + self.page_size] if start < total_results else []
        return 200, {"page": page, "results": results, "total_pages": total_pages, "total_results": total_results}

    def _search(self, query: Mapping[str, list[str]]) -> tuple[int, Any]:
        text = fold(query.get("query", [""])[0].strip())
        if not text:
            return 200, {"page": 1, "results": [], "total_pages": 1, "total_results": 0}
        matches = [summary for summary in self._popular if any(text in t for t in self._search_texts[summary["id"]])]
        for name in ("year", "primary_release_year"):
            year = (query.get(name) or [""])[0].strip()
            if year:
                matches = [s for s in matches if (s["release_date"] or "").startswith(f"{year}-")]
        return self._page(matches, query)

    def _find(self, external_id: str, query: Mapping[str, list[str]]) -> tuple[int, Any]:
        source = (query.get("external_source") or [""])[0]
        if source not in EXTERNAL_SOURCES:
            return 422, BODY_422
        found: dict[str, list[dict[str, Any]]] = {name: [] for name in FIND_RESULT_LISTS}
        movie_id = self._by_imdb_id.get(external_id) if source == "imdb_id" else None
        if movie_id is not None:
            found["movie_results"].append({**self._summaries[movie_id], "media_type": "movie"})
        return 200, found

    def _configuration(self) -> dict[str, Any]:
        secure = self.image_base_url
        return {
            "images": {
                "base_url": secure.replace("https://", "http://", 1),
                "secure_base_url": secure,
                "backdrop_sizes": ["w300", "w780", "w1280", "original"],
                "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
                "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
                "profile_sizes": ["w45", "w185", "h632", "original"],
                "still_sizes": ["w92", "w185", "w300", "original"],
            },
            "change_keys": ["adult", "budget", "cast", "crew", "genres", "imdb_id", "overview", "runtime", "title"],
        }

    # --- admin (for a server in another process) ---

    def _admin(self, method: str, path: str, environ: Mapping[str, Any]) -> tuple[int, bytes, list[tuple[str, str]]]:
        if path == "/stats" and method == "GET":
            counts = self.request_counts
            return 200, _json({"total": sum(counts.values()), "by_path": counts}), []
        if path == "/reset" and method == "POST":
            self.reset()
            return 200, _json({"ok": True}), []
        if path == "/faults" and method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                spec = json.loads(environ["wsgi.input"].read(length) or b"{}")
                self.inject(str(spec.get("pattern", "*")), Fault.from_dict(spec), times=int(spec.get("times", 1)))
            except (ValueError, TypeError, AttributeError) as exc:
                return 400, _json({"error": str(exc)}), []
            return 200, _json({"ok": True, "pending": self.pending_faults()}), []
        return 404, _json(BODY_404), []


# --- the server -----------------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    verbose = False

    def log_message(self, format: str, *args: Any) -> None:
        if self.verbose:
            super().log_message(format, *args)


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup; this host may have no resolver.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = port
        self.setup_environ()

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return  # the client gave up (e.g. its timeout fired during a slow fault)
        super().handle_error(request, client_address)


class FakeTmdbServer:
    """``FakeTmdb`` served by a threaded ``wsgiref`` server in a background thread."""

    def __init__(self, app: FakeTmdb, host: str = "127.0.0.1", port: int = 0, *, verbose: bool = False) -> None:
        self.app = app
        handler = type("_Handler", (_QuietHandler,), {"verbose": verbose})
        self._server = _ThreadingWSGIServer((host, port), handler)
        self._server.set_app(app)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    def start(self) -> FakeTmdbServer:
        self.app._closing.clear()  # an app may be served again after an earlier server stopped
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-tmdb", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.app.close()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FakeTmdbServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextlib.contextmanager
def run_fake_tmdb(
    movies: FakeTmdb | Iterable[Mapping[str, Any]] = (),
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    **app_options: Any,
) -> Iterator[str]:
    """Serve a fake TMDB on ``host`` (an ephemeral port by default) for the ``with`` block; yield its base URL
    (``http://127.0.0.1:<port>/3``). Pass a :class:`FakeTmdb` to script faults and read request counts, or
    movie bodies (and ``FakeTmdb`` options such as ``api_token``/``api_key``) to build one."""
    if isinstance(movies, FakeTmdb):
        if app_options:
            raise TypeError("pass FakeTmdb options to FakeTmdb(), not with an existing app")
        app = movies
    else:
        app = FakeTmdb(movies, **app_options)
    with FakeTmdbServer(app, host, port) as server:
        yield server.base_url


# --- command line ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_tmdb", description=__doc__.split("\n\n")[0])
    parser.add_argument("--movies", type=Path, help="JSONL file, one TMDB /movie/{id} body per line")
    parser.add_argument("--limit", type=int, default=None, help="serve only the first N movies")
    parser.add_argument(
        "--imdb-ids",
        type=Path,
        help="JSON: TMDB id -> IMDb id, or an object whose films map TMDB ids to {imdb_id} (for /find)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="accepted Bearer token")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="accepted api_key parameter")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    parser.add_argument("--top-rated-min-votes", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    movies = load_movies(args.movies, args.limit) if args.movies else []
    app = FakeTmdb(
        movies,
        api_token=args.token,
        api_key=args.api_key,
        latency=args.latency,
        top_rated_min_votes=args.top_rated_min_votes,
        record_requests=False,  # a long benchmark would otherwise keep every request in memory
        imdb_ids=load_imdb_ids(args.imdb_ids) if args.imdb_ids else None,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with FakeTmdbServer(app, args.host, args.port, verbose=args.verbose) as server:
        print(
            f"fake TMDB: {len(movies)} movies at {server.base_url} "
            f"(Bearer {args.token} or api_key={args.api_key}); stats at "
            f"http://{server.host}:{server.port}{ADMIN_PREFIX}/stats",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
        print(f"fake TMDB: stopping after {app.count()} requests", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
