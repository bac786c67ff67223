"""Browsing films: the page's parameters turned into the API's filters (movies.filters.MovieFilter, so the site and
the API filter identically), the sort orders, and a page of films with what the viewer did with each."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.http import urlencode

from accounts.models import User
from activity.selectors import viewer_states
from movies.filters import MovieFilter
from movies.models import Movie
from movies.ratings import RATINGS, rating_key

PAGE_SIZE = 24

POPULAR = ("-review_count", "title", "pk")
# name: (label, ordering). Every ordering ends on the primary key, so that pages never repeat or skip films. The best
# match is the search's own ranking (movies.selectors.search_movies) when there is a search, else the most popular.
SORTS: dict[str, tuple[str, tuple[str | OrderBy, ...]]] = {
    "relevance": ("Best match", POPULAR),
    "popular": ("Most popular", POPULAR),
    "rating": ("Highest rated", ("-avg_rating", "-review_count", "title", "pk")),
    "newest": ("Newest releases", (F("release_date").desc(nulls_last=True), "title", "pk")),
    "title": ("Title A to Z", ("title", "pk")),
}
RELEVANCE = "relevance"
DEFAULT_SORT = RELEVANCE

# The site's parameter: the API filter's (the nav's search box sends ``q``).
API_NAMES = {
    "q": "search",
    "genre": "genre",
    "year_min": "year_min",
    "year_max": "year_max",
    "rating_min": "rating_min",
}
LABELS = {
    "q": "Search",
    "genre": "Genre",
    "decade": "Decade",
    "year_min": "From",
    "year_max": "To",
    "rating_min": "Rated at least",
}
RATING_MIN_CHOICES = [(rating_key(rating), f"{rating_key(rating)} stars") for rating in RATINGS if rating >= 1]


def decades() -> list[int]:
    """The decades a visitor picks from, newest first."""
    return list(range(datetime.date.today().year // 10 * 10, 1890, -10))


@dataclass
class Browse:
    """What a browsing page was asked for: its parameters as given, the API filter's data and the sort."""

    params: dict[str, str]
    sort: str
    data: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: QueryDict) -> "Browse":
        params = {name: query.get(name, "").strip() for name in (*LABELS, "sort")}
        sort = params["sort"] if params["sort"] in SORTS else DEFAULT_SORT
        data = {API_NAMES[name]: params[name] for name in API_NAMES if params[name]}
        decade = params["decade"]
        if decade.isdigit() and int(decade) in decades():
            data.setdefault("year_min", decade)
            data.setdefault("year_max", str(int(decade) + 9))
        else:
            params["decade"] = ""
        return cls(params=params, sort=sort, data=data)

    @property
    def ordering(self) -> tuple[str | OrderBy, ...]:
        return SORTS[self.sort][1]

    def active(self, path: str, genre_names: dict[str, str]) -> list[dict[str, str]]:
        """Each filter in use: its label, the value shown, and the page's address without it."""
        shown = []
        for name, label in LABELS.items():
            value = self.params[name]
            if value:
                others = {key: given for key, given in self.params.items() if given and key != name}
                shown.append(
                    {
                        "name": name,
                        "label": label,
                        "value": genre_names.get(value, value) if name == "genre" else value,
                        "remove": f"{path}?{urlencode(others)}" if others else path,
                    }
                )
        return shown

    def cleared(self, path: str) -> str:
        """The page's address without any filter (the sort stays)."""
        return f"{path}?{urlencode({'sort': self.sort})}" if self.sort != DEFAULT_SORT else path


def filtered(browse: Browse, movies: QuerySet[Movie]) -> tuple[QuerySet[Movie], dict[str, list[str]]]:
    """The movies the API's filter keeps, in the page's order; or none, and the filter's errors by the labels of the
    page's fields."""
    filterset = MovieFilter(data=browse.data, queryset=movies)
    if not filterset.is_valid():
        labels = {api: LABELS[site] for site, api in API_NAMES.items()}
        errors = {labels.get(name, name): list(messages) for name, messages in filterset.errors.items()}
        return movies.none(), errors
    if browse.sort == RELEVANCE and browse.data.get("search"):
        return filterset.qs, {}
    return filterset.qs.order_by(*browse.ordering), {}


def films_page(request: HttpRequest, movies: QuerySet[Movie]) -> Page:
    """A page of ``movies`` (``?page=``), each with ``viewer`` (what the logged-in member did with it, else None)."""
    page = Paginator(movies, PAGE_SIZE).get_page(request.GET.get("page"))
    films = list(page.object_list)
    states: dict[int, dict[str, Any]] = {}
    if isinstance(request.user, User) and films:
        states = viewer_states(request.user, [film.pk for film in films])
    for film in films:
        film.viewer = states.get(film.pk)  # type: ignore[attr-defined]
    page.object_list = films
    return page


def page_links(request: HttpRequest, page: Page, param: str = "page", path: str = "") -> dict[str, Any]:
    """Addresses of the pages around ``page``: ``path`` (default: this page's) with this query and ``param`` set,
    for _pagination.html."""

    def address(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"{path or request.path}?{query.urlencode()}"

    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if isinstance(number, int):
            items.append({"number": number, "url": address(number), "current": number == page.number})
        else:
            items.append({"ellipsis": True})
    return {
        "items": items,
        "previous": address(page.previous_page_number()) if page.has_previous() else "",
        "next": address(page.next_page_number()) if page.has_next() else "",
    }


def partial_requested(request: HttpRequest) -> bool:
    """An htmx request that swaps a region of the page (a history restore needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
