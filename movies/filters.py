from datetime import date

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from core.filters import IntegerFilter
from movies.models import Genre, Movie
from movies.ratings import MAX_RATING
from movies.selectors import SEARCH_MAX_LENGTH, search_movies

MIN_YEAR, MAX_YEAR = 1870, 2200


def _slugs(value: str) -> list[str]:
    return [slug.strip().lower() for slug in value.split(",") if slug.strip()]


def _has_genre(slugs: list[str]) -> Exists:
    links = Movie.genres.through.objects.filter(movie_id=OuterRef("pk"), genre__slug__in=slugs)
    return Exists(links)


class MovieFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=(
            "Films matching the text, best match first unless `ordering` is given. On PostgreSQL: words of the "
            "title, directors, cast or description (accents and case ignored), and titles close to the text (typos, "
            "the start of a word); on SQLite: titles or descriptions containing it."
        ),
    )
    genre = filters.CharFilter(
        method="filter_genre_any", max_length=500, help_text="Genre slugs, comma-separated: movies in any of them."
    )
    genre_all = filters.CharFilter(
        method="filter_genre_all", max_length=500, help_text="Genre slugs, comma-separated: movies in all of them."
    )
    year_min = IntegerFilter(method="filter_year_min", min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_max = IntegerFilter(method="filter_year_max", min_value=MIN_YEAR, max_value=MAX_YEAR)
    # Average ratings, any number on the scale (4.25 too); 0 is the average of a movie nobody reviewed.
    rating_min = filters.NumberFilter(field_name="avg_rating", lookup_expr="gte", min_value=0, max_value=MAX_RATING)
    rating_max = filters.NumberFilter(field_name="avg_rating", lookup_expr="lte", min_value=0, max_value=MAX_RATING)

    class Meta:
        model = Movie
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return search_movies(queryset, value)

    def filter_genre_any(self, queryset, name, value):
        slugs = _slugs(value)
        return queryset.filter(_has_genre(slugs)) if slugs else queryset

    def filter_genre_all(self, queryset, name, value):
        for slug in _slugs(value):
            queryset = queryset.filter(_has_genre([slug]))
        return queryset

    def filter_year_min(self, queryset, name, value):
        return queryset.filter(release_date__gte=date(value, 1, 1))

    def filter_year_max(self, queryset, name, value):
        return queryset.filter(release_date__lte=date(value, 12, 31))


class GenreFilter(filters.FilterSet):
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=50)

    class Meta:
        model = Genre
        fields: list[str] = []
