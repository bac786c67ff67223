"""The one HTTP seam to The Movie Database (TMDB) API v3, on httpx (synchronous, thread-safe).

    client = TmdbClient.from_settings()          # reads TMDB_* Django settings
    movie = client.movie_details(550)            # MovieDetails, with credits and keywords
    page = client.popular(page=2)                # MoviePage of MovieSummary
    found = client.find_by_imdb_id("tt0137523")  # tuple of MovieSummary (usually one, or none)

Every call has a timeout and goes through a client-side rate limiter (40 requests/s by default). 429 (honouring
``Retry-After``), 5xx, timeouts and connection errors are retried with exponential backoff and jitter, up to
``max_retries`` times, then raise :class:`TmdbUnavailable`; 401 and 404 are never retried (:class:`TmdbAuthError`,
:class:`TmdbNotFound`). Requests go to the base URL's host only, and redirects are never followed (a 3xx is an
error). A 2xx body that is cut off or not JSON is retried the same way and raises
:class:`TmdbBadResponse` once the retries are spent; JSON of the wrong shape, and a body over ``max_response_bytes``,
raise it at once (asking again would get the same answer). The API token / key never appear in logs, exception
messages or reprs.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from .errors import (
    REDACTED,
    TmdbAuthError,
    TmdbBadResponse,
    TmdbError,
    TmdbNotConfigured,
    TmdbNotFound,
    TmdbRequestError,
    TmdbUnavailable,
    redact_url,
)
from .types import (
    IMDB_ID_PATTERN,
    Genre,
    ImageConfiguration,
    MovieDetails,
    MoviePage,
    MovieSummary,
    genres_from_api,
    movies_found_from_api,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

MIN_PAGE = 1
MAX_PAGE = 500  # TMDB answers 400 (status_code 22) past page 500
USER_AGENT = "FlixReview-TMDB/1.0"
# TMDB's largest bodies (a film's full credits) are a few hundred kB; anything far past that is not TMDB.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024

SETTINGS_NAMES = {
    "base_url": "TMDB_API_BASE_URL",
    "api_token": "TMDB_API_TOKEN",
    "api_key": "TMDB_API_KEY",
    "image_base_url": "TMDB_IMAGE_BASE_URL",
    "timeout": "TMDB_TIMEOUT",
    "rate_limit_per_second": "TMDB_RATE_LIMIT",
}


class _RedactApiKeyFilter(logging.Filter):
    """httpx logs every request URL at INFO ("HTTP Request: GET https://...?api_key=..."): redact the key."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "api_key=" in record.msg.lower():
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_url(a) if isinstance(a, httpx.URL | str) and "api_key=" in str(a).lower() else a
                for a in record.args
            )
        return True


def _install_httpx_log_redaction() -> None:
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactApiKeyFilter) for f in httpx_logger.filters):
        httpx_logger.addFilter(_RedactApiKeyFilter())


_install_httpx_log_redaction()


def clamp_page(page: int) -> int:
    """TMDB pages run 1..500; anything outside is clamped rather than sent (TMDB would answer 400)."""
    return max(MIN_PAGE, min(MAX_PAGE, int(page)))


@dataclasses.dataclass(frozen=True, repr=False)
class TmdbConfig:
    base_url: str = "https://api.themoviedb.org/3"
    api_token: str | None = None
    api_key: str | None = None
    image_base_url: str = "https://image.tmdb.org/t/p/"
    timeout: float = 10.0
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30
    rate_limit_per_second: float = 40.0
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @classmethod
    def from_settings(cls, **overrides: Any) -> TmdbConfig:
        """Build from Django settings ``TMDB_API_BASE_URL``, ``TMDB_API_TOKEN``, ``TMDB_API_KEY``,
        ``TMDB_IMAGE_BASE_URL``, ``TMDB_TIMEOUT`` and ``TMDB_RATE_LIMIT`` (each optional; ``None`` means the default,
        ``TMDB_RATE_LIMIT = 0`` turns client-side rate limiting off); ``overrides`` win."""
        from django.conf import settings

        defaults = cls()
        values: dict[str, Any] = {}
        for field, name in SETTINGS_NAMES.items():
            values[field] = getattr(settings, name, getattr(defaults, field))
        values.update(overrides)
        return cls(
            base_url=str(values["base_url"] or defaults.base_url),
            api_token=(str(values["api_token"]).strip() or None) if values["api_token"] else None,
            api_key=(str(values["api_key"]).strip() or None) if values["api_key"] else None,
            image_base_url=str(values["image_base_url"] or defaults.image_base_url),
            timeout=float(defaults.timeout if values["timeout"] in (None, "") else values["timeout"]),
            max_retries=int(values.get("max_retries", defaults.max_retries)),
            backoff_base=float(values.get("backoff_base", defaults.backoff_base)),
            backoff_max=float(values.get("backoff_max", defaults.backoff_max)),
            rate_limit_per_second=float(
                defaults.rate_limit_per_second
                if values["rate_limit_per_second"] in (None, "")
                else values["rate_limit_per_second"]
            ),
            max_response_bytes=int(values.get("max_response_bytes", defaults.max_response_bytes)),
        )

    @property
    def is_configured(self) -> bool:
        return bool(self.api_token or self.api_key)

    def require_credentials(self) -> None:
        if not self.is_configured:
            raise TmdbNotConfigured(
                "TMDB is not configured: set TMDB_API_TOKEN (an API read access token, sent as a Bearer header) "
                "or TMDB_API_KEY (a v3 API key, sent as the api_key parameter)."
            )

    def __repr__(self) -> str:
        fields = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("api_token", "api_key") and value:
                value = REDACTED
            fields.append(f"{f.name}={value!r}")
        return f"TmdbConfig({', '.join(fields)})"


class RateLimiter:
    """Thread-safe client-side limiter: at most ``rate_per_second`` calls on average, bursts of up to ``burst``.

    Each caller reserves the next free slot under a lock and then sleeps outside it (GCRA / virtual scheduling), so
    concurrent callers are spaced ``1 / rate_per_second`` apart. A rate of ``0`` or ``None`` disables limiting, but
    :meth:`defer` (used after a 429) still holds every caller back.
    """

    def __init__(
        self,
        rate_per_second: float | None,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate_per_second if rate_per_second and rate_per_second > 0 else 0.0
        self.tolerance = max(burst - 1, 0) * self.interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = -math.inf  # theoretical arrival time of the next call

    def acquire(self) -> float:
        """Wait for a slot; return how long this call waited (seconds)."""
        with self._lock:
            now = self._clock()
            slot = max(self._next, now)
            wait = slot - self.tolerance - now
            self._next = slot + self.interval
        if wait > 0:
            self._sleep(wait)
            return wait
        return 0.0

    def defer(self, seconds: float) -> None:
        """Hold every caller back until ``seconds`` from now (e.g. TMDB's ``Retry-After``)."""
        with self._lock:
            self._next = max(self._next, self._clock() + max(seconds, 0.0) + self.tolerance)


@dataclasses.dataclass(frozen=True)
class _Failure:
    """Why one attempt failed in a way worth retrying (429, 5xx, a timeout, no connection, a cut-off body)."""

    detail: str
    status_code: int | None = None
    is_timeout: bool = False
    retry_after: float | None = None  # TMDB's Retry-After on a 429, in seconds
    tmdb_status_code: int | None = None
    tmdb_status_message: str | None = None
    unreadable_body: bool = False  # a 2xx whose body was not JSON: TmdbBadResponse when it is the last failure


def _tmdb_error_fields(content: bytes) -> tuple[int | None, str | None]:
    try:
        body = json.loads(content)
    except ValueError:
        return None, None
    if not isinstance(body, Mapping):
        return None, None
    code = body.get("status_code")
    message = body.get("status_message")
    return (code if isinstance(code, int) else None), (message if isinstance(message, str) else None)


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); ``None`` when absent or unparseable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


class TmdbClient:
    """Synchronous TMDB API v3 client. Thread-safe; use as a context manager or call :meth:`close`.

    ``transport`` (an ``httpx.BaseTransport``: ``httpx.MockTransport``, respx, ...), ``sleep``, ``clock`` (monotonic
    seconds) and ``rng`` (``random.random``-like, for jitter) are injectable for tests.
    """

    def __init__(
        self,
        config: TmdbConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.config = config if config is not None else TmdbConfig.from_settings()
        self.config.require_credentials()
        self._sleep = sleep
        self._rng = rng
        self._secrets = tuple(s for s in (self.config.api_token, self.config.api_key) if s)
        self.rate_limiter = rate_limiter or RateLimiter(self.config.rate_limit_per_second, clock=clock, sleep=sleep)
        self.images = ImageConfiguration(secure_base_url=self.config.image_base_url)
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        self._auth_params: dict[str, str] = {}
        if self.config.api_token:
            headers["Authorization"] = f"Bearer {self.config.api_token}"
        else:
            self._auth_params["api_key"] = self.config.api_key or ""
        self._http = httpx.Client(
            base_url=self.config.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(self.config.timeout),
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, **kwargs: Any) -> TmdbClient:
        """A client configured from Django settings; raises :class:`TmdbNotConfigured` without credentials."""
        return cls(TmdbConfig.from_settings(), **kwargs)

    # --- lifecycle --------------------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TmdbClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "bearer" if self.config.api_token else "api_key"
        return f"<TmdbClient base_url={self.config.base_url!r} auth={mode}>"

    # --- endpoints --------------------------------------------------------------------------------------------

    def movie_details(self, tmdb_id: int) -> MovieDetails:
        """``GET /movie/{id}?append_to_response=credits,keywords``."""
        movie_id = int(tmdb_id)
        if movie_id <= 0:
            raise ValueError(f"TMDB ids are positive integers, got {tmdb_id!r}")
        data = self.get_json(f"/movie/{movie_id}", {"append_to_response": "credits,keywords"})
        return self._parse(MovieDetails.from_api, data, f"/movie/{movie_id}")

    def search_movies(
        self,
        query: str,
        page: int = 1,
        *,
        year: int | None = None,
        primary_release_year: int | None = None,
        include_adult: bool = False,
    ) -> MoviePage:
        """``GET /search/movie?query=...``; a blank query returns an empty page without a request.

        ``year`` keeps films with any release in that year, ``primary_release_year`` only those first released then.
        """
        query = (query or "").strip()
        page = clamp_page(page)
        if not query:
            return MoviePage.empty(page)
        params: dict[str, Any] = {"query": query, "page": page, "include_adult": "true" if include_adult else "false"}
        if year is not None:
            params["year"] = int(year)
        if primary_release_year is not None:
            params["primary_release_year"] = int(primary_release_year)
        return self._parse(MoviePage.from_api, self.get_json("/search/movie", params), "/search/movie")

    def find_by_imdb_id(self, imdb_id: str) -> tuple[MovieSummary, ...]:
        """``GET /find/{imdb_id}?external_source=imdb_id``: the films TMDB links to an IMDb title id (``tt`` and
        digits, else ``ValueError``); empty when TMDB knows none."""
        if not isinstance(imdb_id, str) or not IMDB_ID_PATTERN.fullmatch(imdb_id):
            raise ValueError(f"IMDb title ids are tt and digits, got {imdb_id!r}")
        data = self.get_json(f"/find/{imdb_id}", {"external_source": "imdb_id"})
        return self._parse(movies_found_from_api, data, "/find")

    def popular(self, page: int = 1) -> MoviePage:
        """``GET /movie/popular?page=N`` (N clamped to 1..500)."""
        return self._parse(MoviePage.from_api, self.get_json("/movie/popular", {"page": clamp_page(page)}), "popular")

    def top_rated(self, page: int = 1) -> MoviePage:
        """``GET /movie/top_rated?page=N`` (N clamped to 1..500)."""
        data = self.get_json("/movie/top_rated", {"page": clamp_page(page)})
        return self._parse(MoviePage.from_api, data, "top_rated")

    def genres(self) -> tuple[Genre, ...]:
        """``GET /genre/movie/list``."""
        return self._parse(genres_from_api, self.get_json("/genre/movie/list"), "/genre/movie/list")

    def configuration(self) -> ImageConfiguration:
        """``GET /configuration``: the image base URL and sizes."""
        return self._parse(ImageConfiguration.from_api, self.get_json("/configuration"), "/configuration")

    def poster_url(self, path: str | None, size: str = "w500") -> str | None:
        """A poster URL from ``TMDB_IMAGE_BASE_URL`` without calling TMDB (see :meth:`configuration`)."""
        return self.images.poster_url(path, size)

    # --- transport --------------------------------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET ``path`` (relative to the base URL) with auth, rate limiting and retries; return the JSON object."""
        request_params = {**(params or {}), **self._auth_params}
        url = self._redacted_url(path, request_params)
        self._ensure_on_base_host(path, url)
        attempts = max(self.config.max_retries, 0) + 1
        failure = _Failure("no attempt made")
        for attempt in range(1, attempts + 1):
            self.rate_limiter.acquire()
            result = self._attempt(path, request_params, url)
            if not isinstance(result, _Failure):
                return result
            failure = result
            if attempt < attempts:
                self._wait_before_retry(url, failure, attempt, attempts - 1)
        raise self._gave_up(url, failure, attempts)

    def _gave_up(self, url: str, failure: _Failure, attempts: int) -> TmdbError:
        message = self._scrub(f"TMDB GET {url}: {failure.detail}; gave up after {attempts} attempt(s)")
        if failure.unreadable_body:
            return TmdbBadResponse(message, url=url, status_code=failure.status_code)
        return TmdbUnavailable(
            message,
            url=url,
            status_code=failure.status_code,
            is_timeout=failure.is_timeout,
            attempts=attempts,
            retry_after=failure.retry_after,
            tmdb_status_code=failure.tmdb_status_code,
            tmdb_status_message=failure.tmdb_status_message,
        )

    def _attempt(self, path: str, params: Mapping[str, Any], url: str) -> dict[str, Any] | _Failure:
        """One request: the JSON object, or a failure worth retrying; raises the errors that are not."""
        try:
            with self._http.stream("GET", path, params=params) as response:
                try:
                    content = self._read_body(response, url)
                except httpx.DecodingError as exc:  # compressed content that does not decompress
                    if response.is_success:
                        return _Failure(f"undecodable body ({exc})", response.status_code, unreadable_body=True)
                    content = b""  # an error page: its status alone decides
        except httpx.TimeoutException as exc:
            return _Failure(f"timed out after {self.config.timeout:g}s ({type(exc).__name__})", is_timeout=True)
        except httpx.UnsupportedProtocol as exc:
            raise TmdbError(self._scrub(f"TMDB GET {url}: bad TMDB_API_BASE_URL ({exc})"), url=url) from None
        except httpx.TransportError as exc:
            return _Failure(f"connection failed ({type(exc).__name__}: {exc})")
        except httpx.RequestError as exc:
            raise TmdbBadResponse(
                self._scrub(f"TMDB GET {url}: unreadable response ({type(exc).__name__}: {exc})"), url=url
            ) from None
        if response.is_success:
            return self._decode(response.status_code, content, url)
        return self._http_failure(response.status_code, response.headers, content, url)

    def _read_body(self, response: httpx.Response, url: str) -> bytes:
        """The (decompressed) body, at most ``max_response_bytes``: a 2xx past the cap is refused, an error page
        past it is dropped (its status alone decides what happens)."""
        limit = self.config.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if not (declared.isdigit() and int(declared) > limit):
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > limit:
                    break
            else:
                return bytes(content)
        if not response.is_success:
            return b""
        raise TmdbBadResponse(
            self._scrub(f"TMDB GET {url}: the response is larger than the {limit}-byte limit"),
            url=url,
            status_code=response.status_code,
        )

    def _http_failure(self, status: int, headers: httpx.Headers, content: bytes, url: str) -> _Failure:
        """A 429 or 5xx as a failure worth retrying; raises for 401, 404 and the other 4xx."""
        code, message = _tmdb_error_fields(content)
        detail = f"HTTP {status}" + (f" (TMDB status_code {code}: {message})" if code or message else "")
        scrubbed_message = self._scrub(message) if message else None
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(headers.get("Retry-After")) if status == 429 else None
            return _Failure(
                detail, status, retry_after=retry_after, tmdb_status_code=code, tmdb_status_message=scrubbed_message
            )
        error = TmdbAuthError if status == 401 else TmdbNotFound if status == 404 else TmdbRequestError
        raise error(
            self._scrub(f"TMDB GET {url}: {detail}"),
            url=url,
            status_code=status,
            tmdb_status_code=code,
            tmdb_status_message=scrubbed_message,
        )

    def _wait_before_retry(self, url: str, failure: _Failure, attempt: int, retries: int) -> None:
        if failure.retry_after is not None:
            delay = min(failure.retry_after, self.config.backoff_max)
            self.rate_limiter.defer(delay)  # hold back the other threads too
        else:
            delay = self.backoff_delay(attempt)
        logger.warning(
            "TMDB GET %s: %s; retry %d/%d in %.2fs", url, self._scrub(failure.detail), attempt, retries, delay
        )
        self._sleep(delay)

    def backoff_delay(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based) without ``Retry-After``: exponential with equal
        jitter, i.e. uniform in ``[d/2, d]`` for ``d = min(backoff_max, backoff_base * 2 ** (attempt - 1))``."""
        ceiling = min(self.config.backoff_max, self.config.backoff_base * (2 ** (attempt - 1)))
        return ceiling / 2 + ceiling / 2 * min(max(self._rng(), 0.0), 1.0)

    # --- helpers ----------------------------------------------------------------------------------------------

    def _decode(self, status: int, content: bytes, url: str) -> dict[str, Any] | _Failure:
        """A 2xx body as its JSON object. Not JSON (cut off in transit, say) is worth retrying; JSON that is not an
        object would come back the same, so it raises."""
        try:
            data = json.loads(content)
        except ValueError as exc:
            return _Failure(f"malformed JSON ({exc.__class__.__name__}: {exc})", status, unreadable_body=True)
        if not isinstance(data, dict):
            raise TmdbBadResponse(
                f"TMDB GET {url}: expected a JSON object, got {type(data).__name__}", url=url, status_code=status
            )
        return data

    def _parse(self, parser: Callable[[Any], T], data: Any, what: str) -> T:
        try:
            return parser(data)
        except (ValueError, TypeError, AttributeError) as exc:
            raise TmdbBadResponse(
                self._scrub(f"TMDB {what}: unexpected response shape ({exc})"), status_code=200
            ) from None

    def _ensure_on_base_host(self, path: str, url: str) -> None:
        """Every request goes to TMDB_API_BASE_URL's scheme, host and port: an absolute URL to anywhere else is
        refused before anything is sent (with the credentials that every request carries)."""
        target, base = self._http.build_request("GET", path).url, self._http.base_url
        if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
            raise TmdbError(f"TMDB GET {url}: not on TMDB_API_BASE_URL's host; refused", url=url)

    def _redacted_url(self, path: str, params: Mapping[str, Any]) -> str:
        return redact_url(self._http.build_request("GET", path, params=params).url)

    def _scrub(self, text: str) -> str:
        text = redact_url(text)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


__all__ = [
    "IMDB_ID_PATTERN",
    "MAX_PAGE",
    "MAX_RESPONSE_BYTES",
    "MIN_PAGE",
    "RateLimiter",
    "TmdbClient",
    "TmdbConfig",
    "clamp_page",
    "parse_retry_after",
]
