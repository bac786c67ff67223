"""TMDB (The Movie Database) API v3: the client the import code uses, its typed responses and errors.

The fake TMDB server for end-to-end tests and benchmarks lives in :mod:`tmdb.fake_server` (standard library only,
not imported here).
"""

from .client import MAX_PAGE, RateLimiter, TmdbClient, TmdbConfig, clamp_page
from .errors import (
    TmdbAuthError,
    TmdbBadResponse,
    TmdbError,
    TmdbNotConfigured,
    TmdbNotFound,
    TmdbRequestError,
    TmdbUnavailable,
    redact_url,
)
from .types import Genre, ImageConfiguration, MovieDetails, MoviePage, MovieSummary

__all__ = [
    "MAX_PAGE",
    "Genre",
    "ImageConfiguration",
    "MovieDetails",
    "MoviePage",
    "MovieSummary",
    "RateLimiter",
    "TmdbAuthError",
    "TmdbBadResponse",
    "TmdbClient",
    "TmdbConfig",
    "TmdbError",
    "TmdbNotConfigured",
    "TmdbNotFound",
    "TmdbRequestError",
    "TmdbUnavailable",
    "clamp_page",
    "redact_url",
]
