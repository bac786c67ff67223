from datetime import date

from django.db.models import Q
from django_filters import rest_framework as filters

from core.filters import IntegerFilter
from movies.models import Movie

MIN_YEAR, MAX_YEAR = 1870, 2200


class MovieFilter(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", max_length=200, help_text="Words in the title or description.")
    genre = filters.CharFilter(field_name="genre", lookup_expr="icontains", max_length=100)
    year_min = IntegerFilter(method="filter_year_min", min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_max = IntegerFilter(method="filter_year_max", min_value=MIN_YEAR, max_value=MAX_YEAR)
    rating_min = filters.NumberFilter(field_name="avg_rating", lookup_expr="gte", min_value=0, max_value=5)
    rating_max = filters.NumberFilter(field_name="avg_rating", lookup_expr="lte", min_value=0, max_value=5)

    class Meta:
        model = Movie
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_year_min(self, queryset, name, value):
        return queryset.filter(release_date__gte=date(value, 1, 1))

    def filter_year_max(self, queryset, name, value):
        return queryset.filter(release_date__lte=date(value, 12, 31))
