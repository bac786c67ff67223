"""Errors raised by :mod:`imports.tmdb.client`.

Every error subclasses :class:`TmdbError`. Messages and attributes never contain the API key or token: URLs are
passed through :func:`redact_url` before they are stored, and the client scrubs the configured secrets out of any
text it puts into an error.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "***"

# api_key=<value> in a query string (also matches "api_key" after ? or &, any case).
_API_KEY_RE = re.compile(r"(?i)([?&]api_key=)[^&#\s]*")


def redact_url(url: object) -> str:
    """Return ``url`` as a string with the value of any ``api_key`` query parameter replaced by ``***``."""
    return _API_KEY_RE.sub(lambda m: m.group(1) + REDACTED, str(url))


class TmdbError(Exception):
    """Base class of every TMDB client error.

    ``url`` is the redacted request URL (or ``None``), ``status_code`` the HTTP status (or ``None`` when no response
    arrived), ``tmdb_status_code`` / ``tmdb_status_message`` TMDB's own error code and message from the body.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status_code: int | None = None,
        tmdb_status_code: int | None = None,
        tmdb_status_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.url = redact_url(url) if url is not None else None
        self.status_code = status_code
        self.tmdb_status_code = tmdb_status_code
        self.tmdb_status_message = tmdb_status_message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"


class TmdbNotConfigured(TmdbError):
    """Neither ``TMDB_API_TOKEN`` nor ``TMDB_API_KEY`` is set (the API layer answers 503)."""


class TmdbAuthError(TmdbError):
    """TMDB answered 401 (e.g. status_code 7, invalid API key). Never retried."""


class TmdbNotFound(TmdbError):
    """TMDB answered 404 (status_code 34, the resource could not be found). Never retried."""


class TmdbRequestError(TmdbError):
    """TMDB rejected the request with another 4xx (e.g. 400 status_code 22 invalid page, 422). Never retried."""


class TmdbBadResponse(TmdbError):
    """TMDB answered 2xx with a body that is not JSON or not shaped like the endpoint's response."""


class TmdbUnavailable(TmdbError):
    """TMDB could not be reached or kept failing (429, 5xx, timeouts, connection errors) after every retry.

    ``is_timeout`` is true when the last attempt timed out (the API layer answers 504 rather than 502);
    ``attempts`` is how many requests were made; ``retry_after`` is the server's last ``Retry-After`` in seconds
    when the last failure was a 429 that carried one.
    """

    def __init__(
        self,
        message: str,
        *,
        is_timeout: bool = False,
        attempts: int = 0,
        retry_after: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.is_timeout = is_timeout
        self.attempts = attempts
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r}, "
            f"is_timeout={self.is_timeout!r}, attempts={self.attempts!r})"
        )


__all__ = [
    "REDACTED",
    "TmdbAuthError",
    "TmdbBadResponse",
    "TmdbError",
    "TmdbNotConfigured",
    "TmdbNotFound",
    "TmdbRequestError",
    "TmdbUnavailable",
    "redact_url",
]
