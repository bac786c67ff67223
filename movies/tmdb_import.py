"""Import and refresh movies from TMDB (The Movie Database) through :mod:`tmdb.client`.

    outcome = import_movie(550)                    # ImportOutcome(movie, "created" | "updated" | "unchanged")
    report = import_movies([550, 348], client=client, workers=4)
    report = import_movie_list(client, list_name="popular", pages=5, workers=8)

One movie is one transaction: update-or-create by ``tmdb_id``, its genres (by TMDB genre id) and its links, all or
nothing. Importing a movie again compares first and writes only what differs; when nothing differs it writes
nothing at all, so ``updated_at`` and ``tmdb_synced_at`` keep their values. ``tmdb_synced_at`` is therefore "when
TMDB data last changed this row" (creation included), not "when TMDB was last asked".

Genres: the movie's TMDB genres (those with a ``tmdb_id``) are set to exactly TMDB's list; genres without a
``tmdb_id`` (MovieLens, demo data, added by an admin) are left on the movie. A TMDB genre is matched by its id, then
by name regardless of case (the existing genre then takes the TMDB id), and created on first sight otherwise. TMDB's
"Science Fiction" and a local "Sci-Fi" stay two genres.

Posters (``TMDB_DOWNLOAD_POSTERS``): after the movie is committed, its w500 poster is fetched from the configured
image host only (``TMDB_IMAGE_BASE_URL``'s scheme, host and port), without following redirects, as a JPEG, PNG, WebP
or GIF of at most ``POSTER_MAX_BYTES``, into ``Movie.poster_file``. A failed download is logged and reported in the
outcome; it never fails the import.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from core.caching import bump_generation
from movies.models import Genre, Movie
from movies.services import GENRE_NAME_MAX_LENGTH, unique_genre_slug
from tmdb.client import USER_AGENT, TmdbClient, clamp_page
from tmdb.errors import TmdbAuthError, TmdbError, TmdbNotConfigured, TmdbUnavailable
from tmdb.types import Genre as TmdbGenre
from tmdb.types import ImageConfiguration, MovieDetails

logger = logging.getLogger(__name__)

Status = Literal["created", "updated", "unchanged"]
ListName = Literal["popular", "top_rated"]
LISTS: tuple[str, ...] = ("popular", "top_rated")

POSTER_SIZE = "w500"
BACKDROP_SIZE = "w1280"
POSTER_MAX_BYTES = 5 * 1024 * 1024
POSTER_CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}  # no SVG: it can carry scripts
IMAGE_CONFIGURATION_SECONDS = 24 * 60 * 60
# When /configuration fails, the fallback is cached briefly so that a batch does not ask again for every movie.
IMAGE_CONFIGURATION_FALLBACK_SECONDS = 10 * 60
# A batch stops after this many requests in a row gave up on TMDB (each after its own retries).
MAX_UNAVAILABLE_IN_A_ROW = 10
SYNC_LOCK_KEY = "tmdb:sync-lock"
SYNC_LOCK_SECONDS = 6 * 60 * 60

_TITLE_MAX = Movie._meta.get_field("title").max_length
_IMDB_ID_MAX = Movie._meta.get_field("imdb_id").max_length
_PATH_MAX = Movie._meta.get_field("poster_path").max_length
_URL_MAX = Movie._meta.get_field("poster_url").max_length
_RUNTIME_MAX = 2000  # the model's validator: longer "runtimes" in TMDB are data errors
_image_configuration_lock = threading.Lock()
_sqlite_write_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class ImportOutcome:
    movie: Movie
    status: Status
    changed: tuple[str, ...] = ()  # fields written by an update, "genres" included
    poster_error: str | None = None  # why the poster download failed, when it did

    @property
    def created(self) -> bool:
        return self.status == "created"


def make_client() -> TmdbClient:
    """A client configured from the TMDB_* settings; raises TmdbNotConfigured without credentials."""
    return TmdbClient.from_settings()


# --- images ---------------------------------------------------------------------------------------------------


def image_configuration(client: TmdbClient) -> ImageConfiguration:
    """TMDB's image configuration, fetched once a day (per cache) and shared by every thread and import.

    When ``/configuration`` fails, TMDB_IMAGE_BASE_URL with the standard sizes is used instead.
    """
    key = f"tmdb:image-configuration:{client.config.base_url}"
    images = cache.get(key)
    if images is not None:
        return images
    with _image_configuration_lock:  # one request per process, not one per waiting thread
        images = cache.get(key)
        if images is not None:
            return images
        try:
            images, seconds = client.configuration(), IMAGE_CONFIGURATION_SECONDS
        except TmdbError as exc:
            logger.warning("TMDB /configuration failed (%s: %s); using TMDB_IMAGE_BASE_URL", type(exc).__name__, exc)
            images, seconds = client.images, IMAGE_CONFIGURATION_FALLBACK_SECONDS
        cache.set(key, images, seconds)
        return images


def poster_url(images: ImageConfiguration, path: str | None) -> str:
    """The w500 poster URL for a TMDB poster path; empty without a path."""
    return _image_url(images, path or "", POSTER_SIZE, images.poster_sizes)


def _image_url(images: ImageConfiguration, path: str, size: str, sizes: tuple[str, ...]) -> str:
    if not path:
        return ""
    if sizes and size not in sizes:
        size = "original" if "original" in sizes else sizes[-1]
    url = f"{images.secure_base_url.rstrip('/')}/{size}/{path.lstrip('/')}"
    return url if len(url) <= _URL_MAX else ""


# --- one movie ------------------------------------------------------------------------------------------------


def _movie_fields(details: MovieDetails, images: ImageConfiguration) -> dict[str, Any]:
    poster_path = details.poster_path if details.poster_path and len(details.poster_path) <= _PATH_MAX else ""
    backdrop_path = details.backdrop_path if details.backdrop_path and len(details.backdrop_path) <= _PATH_MAX else ""
    imdb_id = details.imdb_id if details.imdb_id and len(details.imdb_id) <= _IMDB_ID_MAX else ""
    return {
        "title": (details.title or f"TMDB movie {details.id}")[:_TITLE_MAX],
        "description": details.overview,
        "release_date": details.release_date,
        "runtime": details.runtime if details.runtime and details.runtime <= _RUNTIME_MAX else None,
        "budget": details.budget,
        "revenue": details.revenue,
        "imdb_id": imdb_id,
        "poster_path": poster_path,
        "backdrop_path": backdrop_path,
        "poster_url": poster_url(images, poster_path),
        "backdrop_url": _image_url(images, backdrop_path, BACKDROP_SIZE, images.backdrop_sizes),
        "keywords": list(details.keywords),
        "cast": list(details.cast),
        "directors": list(details.directors),
    }


def _genre_name(genre: TmdbGenre) -> str:
    return " ".join(genre.name.split())[:GENRE_NAME_MAX_LENGTH] or f"TMDB genre {genre.id}"


def _genre_for(genre: TmdbGenre) -> Genre:
    """The local genre for a TMDB genre not yet linked by id: matched by name (taking the TMDB id), or created."""
    name = _genre_name(genre)
    existing = Genre.objects.filter(name__iexact=name).first()
    if existing is not None:
        if existing.tmdb_id is None:
            existing.tmdb_id = genre.id
            existing.save(update_fields=["tmdb_id"])
        # A same-named genre already linked to another TMDB id is used as it is: names are unique.
        return existing
    try:
        with transaction.atomic():  # another import may create it at the same moment
            return Genre.objects.create(name=name, slug=unique_genre_slug(name), tmdb_id=genre.id)
    except IntegrityError:
        found = Genre.objects.filter(tmdb_id=genre.id).first() or Genre.objects.filter(name__iexact=name).first()
        if found is None:
            raise
        return found


def tmdb_genres_resolve(genres: Iterable[TmdbGenre]) -> list[Genre]:
    """Local genres for TMDB genres, in TMDB's order, created or linked on first sight."""
    unique = list({genre.id: genre for genre in genres}.values())
    if not unique:
        return []
    by_tmdb_id = {g.tmdb_id: g for g in Genre.objects.filter(tmdb_id__in=[genre.id for genre in unique])}
    return [by_tmdb_id.get(genre.id) or _genre_for(genre) for genre in unique]


def _movie_genres_sync(movie: Movie, wanted: list[Genre], *, is_new: bool) -> bool:
    """Make the movie's TMDB genres exactly ``wanted``, keeping genres without a tmdb_id; True if links changed."""
    wanted_ids = {genre.pk for genre in wanted}
    current = {} if is_new else dict(movie.genres.values_list("pk", "tmdb_id"))
    to_add = wanted_ids - current.keys()
    to_remove = {pk for pk, tmdb_id in current.items() if tmdb_id is not None and pk not in wanted_ids}
    if to_remove:
        movie.genres.remove(*to_remove)
    if to_add:
        movie.genres.add(*to_add)
    return bool(to_add or to_remove)


def _serialized_on_sqlite() -> contextlib.AbstractContextManager:
    """SQLite has one writer at a time: the import threads of this process take turns here instead of waiting in
    SQLite's busy handler (and, on a shared-cache in-memory database, failing with "database table is locked").
    PostgreSQL takes row locks and needs no such turn-taking."""
    return _sqlite_write_lock if connections["default"].vendor == "sqlite" else contextlib.nullcontext()


def _movie_for_update(tmdb_id: int) -> Movie | None:
    return Movie.objects.select_for_update().filter(tmdb_id=tmdb_id).first()


def _movie_get_or_create(tmdb_id: int, fields: dict[str, Any]) -> tuple[Movie, bool]:
    movie = _movie_for_update(tmdb_id)
    if movie is not None:
        return movie, False
    try:
        with transaction.atomic():
            return Movie.objects.create(tmdb_id=tmdb_id, tmdb_synced_at=timezone.now(), **fields), True
    except IntegrityError:  # a concurrent import created it since we looked
        movie = _movie_for_update(tmdb_id)
        if movie is None:
            raise
        return movie, False


def _movie_save(details: MovieDetails, images: ImageConfiguration) -> ImportOutcome:
    fields = _movie_fields(details, images)
    with transaction.atomic():
        movie, created = _movie_get_or_create(details.id, fields)
        changed = [] if created else [name for name, value in fields.items() if getattr(movie, name) != value]
        genres_changed = _movie_genres_sync(movie, tmdb_genres_resolve(details.genres), is_new=created)
        if not created and (changed or genres_changed):
            for name in changed:
                setattr(movie, name, fields[name])
            movie.tmdb_synced_at = timezone.now()
            movie.save(update_fields=[*changed, "tmdb_synced_at", "updated_at"])
        status: Status = "created" if created else "updated" if changed or genres_changed else "unchanged"
        if status != "unchanged":
            transaction.on_commit(bump_generation)
    if genres_changed and not created:
        changed.append("genres")
    return ImportOutcome(movie, status, tuple(changed))


def import_movie(tmdb_id: int, *, client: TmdbClient | None = None) -> ImportOutcome:
    """Create or refresh the movie with this TMDB id. TMDB errors propagate (nothing is written then)."""
    if client is None:
        with make_client() as own_client:
            return import_movie(tmdb_id, client=own_client)
    details = client.movie_details(tmdb_id)
    images = image_configuration(client)
    with _serialized_on_sqlite():
        outcome = _movie_save(details, images)
    if settings.TMDB_DOWNLOAD_POSTERS:
        error = movie_poster_refresh(outcome.movie, images)
        if error:
            outcome = dataclasses.replace(outcome, poster_error=error)
    return outcome


# --- posters --------------------------------------------------------------------------------------------------


class PosterRejected(Exception):
    """A poster download that broke a rule (host, redirect, status, type, size)."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default_port


def poster_download(url: str, *, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
    """The image at ``url``, which must be on the TMDB_IMAGE_BASE_URL origin, at most ``max_bytes`` (default
    POSTER_MAX_BYTES) long; raises PosterRejected otherwise."""
    max_bytes = POSTER_MAX_BYTES if max_bytes is None else max_bytes
    allowed = _origin(settings.TMDB_IMAGE_BASE_URL)
    if allowed[0] not in {"http", "https"} or _origin(url) != allowed:
        raise PosterRejected(f"{url} is not on the configured image host {allowed[0]}://{allowed[1]}")
    timeout = settings.TMDB_TIMEOUT if timeout is None else timeout
    # A client of its own: the TMDB API client sends the API token, which the image host must never see.
    with (
        httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as http,
        http.stream("GET", url) as response,
    ):
        if response.is_redirect:
            raise PosterRejected(f"redirect to {response.headers.get('location', '?')} not followed")
        if response.status_code != 200:
            raise PosterRejected(f"HTTP {response.status_code}")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in POSTER_CONTENT_TYPES:
            raise PosterRejected(f"content type {content_type or 'missing'!r} is not a poster image")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise PosterRejected(f"{declared} bytes is over the {max_bytes}-byte limit")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                raise PosterRejected(f"more than the {max_bytes}-byte limit")
    return bytes(body)


def _poster_file_name(movie: Movie) -> str:
    base = get_valid_filename(os.path.basename(movie.poster_path)) or "poster.jpg"
    return f"{movie._meta.get_field('poster_file').upload_to}tmdb-{movie.tmdb_id}-{base}"


def movie_poster_refresh(movie: Movie, images: ImageConfiguration) -> str | None:
    """Download the movie's poster unless the stored file already is this poster path; returns an error or None."""
    field = movie.poster_file
    if not movie.poster_path:
        if field:
            field.delete(save=False)
            with _serialized_on_sqlite():
                Movie.objects.filter(pk=movie.pk).update(poster_file="")
        return None
    name = _poster_file_name(movie)
    if field.name == name:
        return None
    old_name, storage = field.name, field.storage
    try:
        content = poster_download(poster_url(images, movie.poster_path))
        if storage.exists(name):
            storage.delete(name)
        field.name = storage.save(name, ContentFile(content), max_length=field.field.max_length)
    except (PosterRejected, httpx.HTTPError, OSError) as exc:
        field.name = old_name
        error = describe_error(exc)
        logger.warning("TMDB poster for movie %s (tmdb %s) not downloaded: %s", movie.pk, movie.tmdb_id, error)
        return error
    with _serialized_on_sqlite():
        Movie.objects.filter(pk=movie.pk).update(poster_file=field.name)
    if old_name and old_name != field.name:
        storage.delete(old_name)
    return None


# --- many movies ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class BatchReport:
    """What a batch did; ``failed`` holds (what, "ErrorName: message") pairs."""

    created: list[int] = dataclasses.field(default_factory=list)
    updated: list[int] = dataclasses.field(default_factory=list)
    unchanged: list[int] = dataclasses.field(default_factory=list)
    failed: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    poster_failures: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    aborted: str | None = None  # why the batch stopped early (credentials refused, TMDB down)
    skipped: int = 0  # movies not attempted because the batch stopped

    def record(self, tmdb_id: int, outcome: ImportOutcome) -> None:
        getattr(self, outcome.status).append(tmdb_id)
        if outcome.poster_error:
            self.poster_failures.append((tmdb_id, outcome.poster_error))

    def fail(self, what: str, exc: BaseException) -> None:
        self.failed.append((what, describe_error(exc)))

    @property
    def attempted(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.failed)


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class _NullProgress:
    total: int | None = 0

    def update(self, n: int = 1) -> None:
        pass

    def refresh(self) -> None:
        pass


class WorkerPool:
    """A fixed set of threads running submitted calls in order; each thread closes its own database connections
    when the pool shuts down. With ``workers <= 1`` there are no threads: :meth:`run_next` runs the next call in
    the caller's thread."""

    def __init__(self, workers: int) -> None:
        self._queue: queue.SimpleQueue[tuple[Future, Callable[[], Any]] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"tmdb-import-{n}", daemon=True)
            for n in range(workers if workers > 1 else 0)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def inline(self) -> bool:
        return not self._threads

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        self._queue.put((future, functools.partial(fn, *args, **kwargs)))
        return future

    def run_next(self) -> None:
        """Inline pools only: run the oldest queued call here."""
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return
        if item is not None:
            self._run(*item)

    @staticmethod
    def _run(future: Future, call: Callable[[], Any]) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = call()
        except BaseException as exc:  # delivered to whoever waits on the future
            future.set_exception(exc)
        else:
            future.set_result(result)

    def _work(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                self._run(*item)
        finally:
            connections.close_all()

    def shutdown(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


class _Batch:
    """Bookkeeping for a batch: the pool, the futures in flight, the ids seen, the report. Main thread only."""

    def __init__(self, client: TmdbClient, pool: WorkerPool, progress: Any) -> None:
        self.client = client
        self.pool = pool
        self.progress = progress or _NullProgress()
        self.report = BatchReport()
        self.pending: dict[Future, tuple[str, int]] = {}
        self.seen: set[int] = set()
        self.unavailable_in_a_row = 0

    def add_movies(self, tmdb_ids: Iterable[int]) -> None:
        new = [tmdb_id for tmdb_id in dict.fromkeys(tmdb_ids) if tmdb_id not in self.seen]
        self.seen.update(new)
        if new:
            self.progress.total = (self.progress.total or 0) + len(new)
            self.progress.refresh()
        for tmdb_id in new:
            self.pending[self.pool.submit(import_movie, tmdb_id, client=self.client)] = ("movie", tmdb_id)

    def add_page(self, fetch: Callable[[int], Any], page: int) -> None:
        self.pending[self.pool.submit(fetch, page)] = ("page", page)

    def run(self, on_page: Callable[[int, Any], None] | None = None) -> BatchReport:
        try:
            while self.pending:
                if self.pool.inline:
                    self.pool.run_next()
                    done = [future for future in self.pending if future.done()]
                else:
                    done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
                for future in done:
                    self._collect(future, on_page)
        finally:
            self._cancel_pending()
        return self.report

    def _collect(self, future: Future, on_page: Callable[[int, Any], None] | None) -> None:
        kind, key = self.pending.pop(future)
        if future.cancelled():
            return
        exc = future.exception()
        self.unavailable_in_a_row = self.unavailable_in_a_row + 1 if isinstance(exc, TmdbUnavailable) else 0
        if exc is None:
            if kind == "movie":
                self.report.record(key, future.result())
                self.progress.update(1)
            elif on_page is not None:
                on_page(key, future.result())
            return
        if kind == "movie":
            self.progress.update(1)
        self.report.fail(f"{kind} {key}", exc)
        # Stop rather than spend every remaining request (and its retries) on the same failure.
        if isinstance(exc, TmdbAuthError | TmdbNotConfigured):
            self._abort(f"TMDB refused the credentials ({describe_error(exc)}); check TMDB_API_TOKEN / TMDB_API_KEY")
        elif self.unavailable_in_a_row >= MAX_UNAVAILABLE_IN_A_ROW:
            self._abort(
                f"TMDB kept failing: {self.unavailable_in_a_row} requests in a row gave up ({describe_error(exc)})"
            )

    def _abort(self, reason: str) -> None:
        if self.report.aborted is None:
            self.report.aborted = reason
            self._cancel_pending()

    def _cancel_pending(self) -> None:
        for future, (kind, _) in list(self.pending.items()):
            if future.cancel():
                del self.pending[future]
                self.report.skipped += kind == "movie"


def import_movies(
    tmdb_ids: Iterable[int], *, client: TmdbClient, workers: int = 1, progress: Any = None
) -> BatchReport:
    """Import each id once (duplicates are dropped) on ``workers`` threads sharing ``client`` and its rate limit.

    One movie's failure is recorded and the batch goes on; refused credentials, or MAX_UNAVAILABLE_IN_A_ROW
    requests in a row that gave up, stop it (the rest are counted as skipped).
    """
    with WorkerPool(workers) as pool:
        batch = _Batch(client, pool, progress)
        batch.add_movies(tmdb_ids)
        return batch.run()


def import_movie_list(
    client: TmdbClient, *, list_name: str = "popular", pages: int = 1, workers: int = 1, progress: Any = None
) -> BatchReport:
    """Walk pages 1..``pages`` (clamped to 1..500 and to the list's length) of a TMDB list and import each movie
    once. List pages and movies share the pool, so the client's rate limit, not latency, sets the pace."""
    if list_name not in LISTS:
        raise ValueError(f"unknown TMDB list {list_name!r}; choose from {', '.join(LISTS)}")
    fetch = client.popular if list_name == "popular" else client.top_rated
    last_page = clamp_page(pages)

    with WorkerPool(workers) as pool:
        batch = _Batch(client, pool, progress)

        def on_page(number: int, page: Any) -> None:
            if number == 1:
                # Page 1 tells how many pages there are; the rest are requested together.
                for more in range(2, min(last_page, max(page.total_pages, 1)) + 1):
                    batch.add_page(fetch, more)
            batch.add_movies(movie.id for movie in page.results)

        batch.add_page(fetch, 1)
        return batch.run(on_page)


class SyncInProgress(Exception):
    """Another sync of every TMDB movie holds the lock."""


@contextlib.contextmanager
def sync_lock() -> Iterator[None]:
    """Held for the whole of a sync, so that two never overlap (the nightly task, the command).

    ``cache.add`` is an atomic set-if-absent (SET NX on Redis: shared by every process; the local-memory cache
    covers one process only). The lock expires after SYNC_LOCK_SECONDS, so a run that died cannot block the next
    ones for longer; the Celery task's time limit is below that, so a live run never outlasts its lock.
    """
    token = uuid.uuid4().hex
    if not cache.add(SYNC_LOCK_KEY, token, SYNC_LOCK_SECONDS):
        raise SyncInProgress("another TMDB sync is running")
    try:
        yield
    finally:
        if cache.get(SYNC_LOCK_KEY) == token:  # only our own lock
            cache.delete(SYNC_LOCK_KEY)


def movies_sync(*, client: TmdbClient, workers: int = 1, progress: Any = None) -> BatchReport:
    """Refresh every movie that has a tmdb_id; raises SyncInProgress while another sync runs."""
    with sync_lock():
        tmdb_ids = Movie.objects.exclude(tmdb_id=None).order_by("tmdb_id").values_list("tmdb_id", flat=True)
        return import_movies(list(tmdb_ids), client=client, workers=workers, progress=progress)
