"""Browse and search films, genres and a genre's films; a film's page with the member's controls.

Reads go through the selectors the API uses (movies.selectors, movies.filters.MovieFilter and the rest); an htmx
request for a page's results gets only that region, everything else the whole page."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from movies.models import Movie
from movies.selectors import genre_list_with_stats, genre_movies, movie_summary_rows
from web.caching import cache_anonymous_page
from web.films.browse import (
    RATING_MIN_CHOICES,
    RELEVANCE,
    SORTS,
    Browse,
    decades,
    films_page,
    filtered,
    page_links,
    partial_requested,
)
from web.films.page import film_context, film_or_404, reviews_context


def _results(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The page, or with htmx its results region only; caches keep the two apart (Vary: HX-Request)."""
    partial = partial_requested(request)
    name = "web/films/_results.html" if partial else template
    response = render(request, name, {**context, "partial": partial}, status=200 if partial else status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _paged(request: HttpRequest, movies: QuerySet[Movie]) -> dict[str, Any]:
    page = films_page(request, movies)
    return {"page_obj": page, "links": page_links(request, page)}


@cache_anonymous_page
def films(request: HttpRequest) -> HttpResponse:
    """Search as you type, filter by genre, decade or years and minimum rating, sort, page."""
    browse = Browse.from_query(request.GET)
    genres = list(genre_list_with_stats().order_by("name"))
    movies, errors = filtered(browse, movie_summary_rows())
    context = {
        "browse": browse,
        "params": browse.params,
        "genres": genres,
        "decades": decades(),
        "rating_choices": RATING_MIN_CHOICES,
        "sorts": [(name, label) for name, (label, _) in SORTS.items()],
        "active_filters": browse.active(request.path, {genre.slug: genre.name for genre in genres}),
        "cleared": browse.cleared(request.path),
        "errors": errors,
        **_paged(request, movies),
    }
    # As the API answers a filter it cannot use (400); htmx swaps only 2xx answers, so its region says it instead.
    return _results(request, "web/films/films.html", context, status=400 if errors else 200)


@cache_anonymous_page
def genres(request: HttpRequest) -> HttpResponse:
    rows = genre_list_with_stats().order_by("name")
    return render(request, "web/films/genres.html", {"genres": rows})


@cache_anonymous_page
def genre(request: HttpRequest, slug: str) -> HttpResponse:
    """A genre's films, sorted as the films page sorts."""
    found = genre_list_with_stats().filter(slug=slug).first()
    if found is None:
        raise Http404("No such genre.")
    browse = Browse.from_query(request.GET)
    movies = genre_movies(found).order_by(*browse.ordering)
    context = {
        "genre": found,
        "browse": browse,
        "params": browse.params,
        # Nothing to match here: the default order is the most popular, the first choice.
        "sorts": [(name, label) for name, (label, _) in SORTS.items() if name != RELEVANCE],
        **_paged(request, movies),
    }
    return _results(request, "web/films/genre.html", context)


@cache_anonymous_page
def film(request: HttpRequest, pk: int) -> HttpResponse:
    """The film's page; with htmx, a page of its reviews (the ``film-reviews`` region)."""
    movie = film_or_404(pk)
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "film-reviews" and not htmx.history_restore_request:
        return render(request, "web/films/_reviews.html", {"film": movie, **reviews_context(request, movie)})
    return render(request, "web/films/film.html", film_context(request, movie))
