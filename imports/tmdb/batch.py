"""Import many movies from TMDB: by id, from TMDB's popular or top-rated list, or every imported movie (the sync).

    report = import_movies([550, 348], client=client, workers=4)
    report = import_movie_list(client, list_name="popular", pages=5, workers=8)
    report = movies_sync(client=client, workers=4)

List pages and movies run on one thread pool sharing one client, so the client's rate limit, not TMDB's latency,
sets the pace. One movie's failure is recorded and the batch goes on; refused credentials, or
MAX_UNAVAILABLE_IN_A_ROW requests in a row that gave up, stop it (the movies not attempted are counted as skipped).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Literal, NamedTuple, cast

from django.core.cache import cache
from django.db import connections
from tqdm import tqdm

from imports.tmdb.catalogue import ImportOutcome, describe_error, import_movie
from imports.tmdb.client import TmdbClient, clamp_page
from imports.tmdb.errors import TmdbAuthError, TmdbNotConfigured, TmdbUnavailable
from imports.tmdb.types import MoviePage
from movies.models import Movie

LISTS: tuple[str, ...] = ("popular", "top_rated")
# A batch stops after this many requests in a row gave up on TMDB (each after its own retries).
MAX_UNAVAILABLE_IN_A_ROW = 10
SYNC_LOCK_KEY = "tmdb:sync-lock"
SYNC_LOCK_SECONDS = 6 * 60 * 60


class Job(NamedTuple):
    kind: Literal["movie", "page"]
    key: int  # the TMDB id, or the list page number
    call: Callable[[], Any]


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


class _Batch:
    """A batch's jobs (list pages and movies) and its report; used from the calling thread only.

    Jobs start in the order they were added, at most ``workers`` at a time on a thread pool. With one worker they
    run in the calling thread, on its database connection (and so inside its transaction).
    """

    def __init__(self, client: TmdbClient, workers: int, progress: tqdm | None) -> None:
        self.client = client
        self.workers = workers
        self.progress = progress if progress is not None else tqdm(disable=True)
        self.report = BatchReport()
        self.queued: deque[Job] = deque()
        self.seen: set[int] = set()
        self.unavailable_in_a_row = 0
        self.on_page: Callable[[int, MoviePage], None] | None = None

    def add_movies(self, tmdb_ids: Iterable[int]) -> None:
        new = [tmdb_id for tmdb_id in dict.fromkeys(tmdb_ids) if tmdb_id not in self.seen]
        self.seen.update(new)
        if self.report.aborted:
            self.report.skipped += len(new)
            return
        if new:
            self.progress.total = (self.progress.total or 0) + len(new)
            self.progress.refresh()
        for tmdb_id in new:
            self.queued.append(Job("movie", tmdb_id, functools.partial(import_movie, tmdb_id, client=self.client)))

    def add_page(self, fetch: Callable[[int], MoviePage], number: int) -> None:
        self.queued.append(Job("page", number, functools.partial(fetch, number)))

    def run(self, on_page: Callable[[int, MoviePage], None] | None = None) -> BatchReport:
        self.on_page = on_page
        if self.workers > 1:
            self._run_on_threads()
        else:
            while self.queued:
                self._run_here(self.queued.popleft())
        return self.report

    def _run_here(self, job: Job) -> None:
        try:
            result = job.call()
        except Exception as exc:
            self._collect(job, None, exc)
        else:
            self._collect(job, result, None)

    def _run_on_threads(self) -> None:
        running: dict[Future[Any], Job] = {}
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tmdb-import") as executor:
            while self.queued or running:
                while self.queued and len(running) < self.workers:
                    job = self.queued.popleft()
                    running[executor.submit(_closing_connections, job.call)] = job
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    exc = future.exception()
                    self._collect(running.pop(future), None if exc else future.result(), exc)

    def _collect(self, job: Job, result: Any, exc: BaseException | None) -> None:
        self.unavailable_in_a_row = self.unavailable_in_a_row + 1 if isinstance(exc, TmdbUnavailable) else 0
        if job.kind == "movie":
            self.progress.update(1)
        if exc is not None:
            self._fail(job, exc)
        elif job.kind == "movie":
            self.report.record(job.key, result)
        elif self.on_page is not None:
            self.on_page(job.key, result)

    def _fail(self, job: Job, exc: BaseException) -> None:
        self.report.fail(f"{job.kind} {job.key}", exc)
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
            self.report.skipped += sum(job.kind == "movie" for job in self.queued)
            self.queued.clear()


def _closing_connections(call: Callable[[], Any]) -> Any:
    """Run ``call`` on a pool thread, then close that thread's database connections: the pool's threads end with
    the batch, and a connection left open would outlive them."""
    try:
        return call()
    finally:
        connections.close_all()


def import_movies(
    tmdb_ids: Iterable[int], *, client: TmdbClient, workers: int = 1, progress: tqdm | None = None
) -> BatchReport:
    """Import each id once (duplicates are dropped) on ``workers`` threads sharing ``client`` and its rate limit."""
    batch = _Batch(client, workers, progress)
    batch.add_movies(tmdb_ids)
    return batch.run()


def import_movie_list(
    client: TmdbClient,
    *,
    list_name: str = "popular",
    pages: int = 1,
    workers: int = 1,
    progress: tqdm | None = None,
) -> BatchReport:
    """Walk pages 1..``pages`` (clamped to 1..500 and to the list's length) of a TMDB list and import each movie
    once. List pages and movies share the pool, so the client's rate limit, not latency, sets the pace."""
    if list_name not in LISTS:
        raise ValueError(f"unknown TMDB list {list_name!r}; choose from {', '.join(LISTS)}")
    fetch = client.popular if list_name == "popular" else client.top_rated
    last_page = clamp_page(pages)
    batch = _Batch(client, workers, progress)

    def on_page(number: int, page: MoviePage) -> None:
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


def movies_sync(*, client: TmdbClient, workers: int = 1, progress: tqdm | None = None) -> BatchReport:
    """Refresh every movie that has a tmdb_id; raises SyncInProgress while another sync runs."""
    with sync_lock():
        tmdb_ids = Movie.objects.exclude(tmdb_id=None).order_by("tmdb_id").values_list("tmdb_id", flat=True)
        return import_movies(cast(list[int], list(tmdb_ids)), client=client, workers=workers, progress=progress)
