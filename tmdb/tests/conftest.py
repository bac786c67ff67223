from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from tmdb.client import TmdbClient, TmdbConfig

from .fixtures import BASE_URL, TOKEN


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
