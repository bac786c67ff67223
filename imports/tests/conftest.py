"""TMDB fixtures: clients on a fake clock, settings pointing at a mocked or local fake TMDB, and clients that
never really sleep."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from imports.tmdb import catalogue
from imports.tmdb.client import TmdbClient, TmdbConfig
from tests.fake_tmdb import DEFAULT_TOKEN, FakeTmdb, run_fake_tmdb

from .tmdb_fixtures import BASE_URL, TOKEN, small_catalogue

TMDB_TOKEN = "tok-SECRET-test-3b8e"
TMDB_BASE_URL = "https://api.themoviedb.org/3"


class FakeClock:
    """A monotonic clock that only moves when ``sleep`` is called; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(clock):
    """Build a TmdbClient with a fake clock/sleep, full jitter pinned to 1.0 and no rate limit by default."""
    clients: list[TmdbClient] = []

    def factory(
        *,
        transport: httpx.BaseTransport | None = None,
        api_token: str | None = TOKEN,
        api_key: str | None = None,
        rng: Any = lambda: 1.0,
        **config: Any,
    ) -> TmdbClient:
        options: dict[str, Any] = {"base_url": BASE_URL, "rate_limit_per_second": 0, **config}
        client = TmdbClient(
            TmdbConfig(api_token=api_token, api_key=api_key, **options),
            transport=transport,
            sleep=clock.sleep,
            clock=clock,
            rng=rng,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


class SleepRecorder:
    """Stands in for time.sleep in TMDB clients: records how long each retry would have waited."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)


@pytest.fixture
def sleeps(monkeypatch) -> SleepRecorder:
    """Every client that imports.tmdb.catalogue builds gets a recording, non-sleeping sleep and tiny backoff."""
    recorder = SleepRecorder()

    def make_client() -> TmdbClient:
        return TmdbClient(TmdbConfig.from_settings(max_retries=3, backoff_base=0.01), sleep=recorder)

    monkeypatch.setattr(catalogue, "make_client", make_client)
    return recorder


@pytest.fixture
def tmdb_settings(settings):
    """TMDB configured (token, no rate limit, posters off) against api.themoviedb.org, for respx to intercept."""
    settings.TMDB_API_BASE_URL = TMDB_BASE_URL
    settings.TMDB_API_TOKEN = TMDB_TOKEN
    settings.TMDB_API_KEY = ""
    settings.TMDB_IMAGE_BASE_URL = "https://image.tmdb.org/t/p/"
    settings.TMDB_RATE_LIMIT = 0
    settings.TMDB_TIMEOUT = 2
    settings.TMDB_DOWNLOAD_POSTERS = False
    return settings


@pytest.fixture
def fake_tmdb_app() -> FakeTmdb:
    return FakeTmdb(small_catalogue())


@pytest.fixture
def fake_tmdb(fake_tmdb_app, tmdb_settings, sleeps) -> FakeTmdb:
    """The fake TMDB served on 127.0.0.1, with the settings pointing at it; yields the app to script and count."""
    with run_fake_tmdb(fake_tmdb_app) as base_url:
        tmdb_settings.TMDB_API_BASE_URL = base_url
        tmdb_settings.TMDB_API_TOKEN = DEFAULT_TOKEN
        yield fake_tmdb_app
