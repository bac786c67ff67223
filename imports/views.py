"""The admin endpoints that reach TMDB, and how TMDB failures become API errors.

    GET  /api/movies/search-tmdb/?q=     TMDB's search results, each flagged when already imported
    POST /api/movies/import-tmdb/        {"tmdb_id", "async"?}: 201 created, 200 refreshed, 202 queued
    POST /api/movies/{id}/sync-tmdb/     refresh one imported movie (400 when it has no tmdb_id)

They live under the catalogue's URLs and its "movies" schema tag (imports/urls.py, included ahead of the movie
router). TMDB failures answer: 503 when TMDB_API_TOKEN / TMDB_API_KEY are missing, 404 when TMDB has no such movie,
502 when TMDB rejects our credentials, keeps failing or sends something unreadable, 504 when it keeps timing out.
"""

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from core.serializers import ErrorSerializer
from imports import tasks
from imports.serializers import (
    TmdbImportQueuedSerializer,
    TmdbImportSerializer,
    TmdbSearchPageSerializer,
    TmdbSearchQuerySerializer,
)
from imports.tmdb import catalogue
from imports.tmdb.errors import (
    TmdbAuthError,
    TmdbBadResponse,
    TmdbError,
    TmdbNotConfigured,
    TmdbNotFound,
    TmdbUnavailable,
)
from imports.tmdb.types import ImageConfiguration, MoviePage
from movies import selectors
from movies.models import Movie
from movies.serializers import MovieDetailSerializer, MovieSerializer

logger = logging.getLogger(__name__)


# --- errors ---------------------------------------------------------------------------------------------------


class TmdbNotConfiguredError(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "TMDB is not configured: set TMDB_API_TOKEN or TMDB_API_KEY."
    default_code = "tmdb_not_configured"


class TmdbMovieNotFound(exceptions.APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_detail = "TMDB has no such movie."
    default_code = "tmdb_not_found"


class TmdbCredentialsRejected(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = (
        "TMDB rejected this server's credentials (TMDB_API_TOKEN / TMDB_API_KEY); an administrator must fix them."
    )
    default_code = "tmdb_auth_failed"


class TmdbBadGateway(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "TMDB is unavailable; try again later."
    default_code = "tmdb_unavailable"


class TmdbGatewayTimeout(exceptions.APIException):
    status_code = status.HTTP_504_GATEWAY_TIMEOUT
    default_detail = "TMDB did not answer in time; try again later."
    default_code = "tmdb_timeout"


class MovieNotFromTmdb(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "This movie has no tmdb_id, so there is nothing to sync it from."
    default_code = "no_tmdb_id"


def tmdb_api_error(exc: TmdbError) -> exceptions.APIException:
    """The API error for a TMDB client error. Details never carry TMDB's URL, our key or our token."""
    if isinstance(exc, TmdbNotConfigured):
        return TmdbNotConfiguredError()
    if isinstance(exc, TmdbNotFound):
        return TmdbMovieNotFound()
    if isinstance(exc, TmdbAuthError):
        return TmdbCredentialsRejected()
    if isinstance(exc, TmdbUnavailable):
        if exc.is_timeout:
            return TmdbGatewayTimeout(f"TMDB did not answer in time ({exc.attempts} attempts); try again later.")
        answer = f"HTTP {exc.status_code}" if exc.status_code else "no connection"
        return TmdbBadGateway(f"TMDB is unavailable ({answer} after {exc.attempts} attempts); try again later.")
    if isinstance(exc, TmdbBadResponse):
        return TmdbBadGateway("TMDB sent a response that could not be read.", code="tmdb_bad_response")
    return TmdbBadGateway(f"TMDB rejected the request ({type(exc).__name__}).", code="tmdb_error")


@contextlib.contextmanager
def tmdb_errors_as_api_errors() -> Iterator[None]:
    try:
        yield
    except TmdbError as exc:
        logger.warning("TMDB request failed: %s: %s", type(exc).__name__, exc)
        raise tmdb_api_error(exc) from exc


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


TMDB_ERROR_RESPONSES = {
    502: _error("TMDB rejected our credentials, kept failing, or sent an unreadable response."),
    503: _error("TMDB is not configured: TMDB_API_TOKEN or TMDB_API_KEY is missing."),
    504: _error("TMDB did not answer in time."),
}
TMDB_MOVIE_ERROR_RESPONSES = {404: _error("No such movie here, or on TMDB."), **TMDB_ERROR_RESPONSES}


# --- endpoints ------------------------------------------------------------------------------------------------


class TmdbAdminView(GenericAPIView):
    """The TMDB endpoints; admins only."""

    permission_classes = [IsAdminUser]
    # What OPTIONS describes: the catalogue's movie fields, as when these endpoints were actions of the movie viewset.
    serializer_class = MovieSerializer

    def movie_response(self, movie: Movie, status_code: int) -> Response:
        serializer = MovieDetailSerializer(
            selectors.movie_list().get(pk=movie.pk), context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status_code)


class TmdbSearchView(TmdbAdminView):
    """Search TMDB by title; each result says whether it is already in the catalogue, and its id here."""

    name = "Search tmdb"

    @extend_schema(
        tags=["movies"],
        summary="Search TMDB (admin)",
        parameters=[TmdbSearchQuerySerializer],
        responses={200: TmdbSearchPageSerializer, **TMDB_ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = TmdbSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        with tmdb_errors_as_api_errors(), catalogue.make_client() as client:
            page = client.search_movies(params["q"], params["page"], year=params.get("year"))
            images = catalogue.image_configuration(client) if page.results else client.images
        return Response(TmdbSearchPageSerializer(search_page(page, images)).data)


def search_page(page: MoviePage, images: ImageConfiguration) -> dict[str, Any]:
    """A page of TMDB's search results, each flagged with whether (and as which movie) it is in the catalogue."""
    imported = dict(Movie.objects.filter(tmdb_id__in=[m.id for m in page.results]).values_list("tmdb_id", "pk"))
    results = [
        {
            "tmdb_id": movie.id,
            "title": movie.title,
            "release_date": movie.release_date,
            "overview": movie.overview,
            "poster_url": catalogue.poster_url(images, movie.poster_path),
            "genre_ids": list(movie.genre_ids),
            "popularity": movie.popularity,
            "vote_average": movie.vote_average,
            "vote_count": movie.vote_count,
            "imported": movie.id in imported,
            "movie_id": imported.get(movie.id),
        }
        for movie in page.results
    ]
    return {"page": page.page, "total_pages": page.total_pages, "total_results": page.total_results, "results": results}


class TmdbImportView(TmdbAdminView):
    """Import a movie by TMDB id, or refresh it when it is already in the catalogue."""

    name = "Import tmdb"

    @extend_schema(
        tags=["movies"],
        summary="Import a movie from TMDB (admin)",
        request=TmdbImportSerializer,
        responses={
            200: OpenApiResponse(MovieDetailSerializer, description="Already imported; refreshed from TMDB."),
            201: OpenApiResponse(MovieDetailSerializer, description="Imported."),
            202: OpenApiResponse(TmdbImportQueuedSerializer, description="Queued (with async: true)."),
            **TMDB_MOVIE_ERROR_RESPONSES,
            503: _error(
                "TMDB is not configured (TMDB_API_TOKEN or TMDB_API_KEY is missing), or, with async: true, the task "
                "queue is unavailable."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = TmdbImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tmdb_id = body.validated_data["tmdb_id"]
        if body.validated_data["async"]:
            with tmdb_errors_as_api_errors():
                task_id = tasks.import_tmdb_movie_enqueue(tmdb_id)
            queued = TmdbImportQueuedSerializer({"task_id": task_id, "tmdb_id": tmdb_id}).data
            return Response(queued, status=status.HTTP_202_ACCEPTED)
        with tmdb_errors_as_api_errors():
            outcome = catalogue.import_movie(tmdb_id)
        return self.movie_response(outcome.movie, status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


class TmdbSyncView(TmdbAdminView):
    """Refresh this movie from TMDB; only what changed is written."""

    name = "Sync tmdb"

    @extend_schema(
        tags=["movies"],
        summary="Refresh a movie from TMDB (admin)",
        request=None,
        responses={200: MovieDetailSerializer, **TMDB_MOVIE_ERROR_RESPONSES},
    )
    def post(self, request: Request, pk: str) -> Response:
        movie = get_object_or_404(Movie, pk=pk)
        if movie.tmdb_id is None:
            raise MovieNotFromTmdb()
        with tmdb_errors_as_api_errors():
            outcome = catalogue.import_movie(movie.tmdb_id)
        return self.movie_response(outcome.movie, status.HTTP_200_OK)
