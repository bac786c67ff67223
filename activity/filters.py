from django_filters import rest_framework as filters

from activity.models import DiaryEntry, WatchlistEntry
from core.filters import IntegerFilter


class DiaryFilter(filters.FilterSet):
    year = IntegerFilter(field_name="watched_on", lookup_expr="year", min_value=1870, max_value=9999)
    month = IntegerFilter(field_name="watched_on", lookup_expr="month", min_value=1, max_value=12)
    movie = IntegerFilter(field_name="movie_id", min_value=1)

    class Meta:
        model = DiaryEntry
        fields: list[str] = []


class _OrderingWithTieBreak(filters.OrderingFilter):
    """Ends on the primary key, so that pages never repeat or skip entries that tie."""

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "-pk") if value else ordered


class WatchlistFilter(filters.FilterSet):
    genre = filters.CharFilter(field_name="movie__genres__slug", max_length=60, help_text="A genre slug.")
    ordering = _OrderingWithTieBreak(
        fields=(
            ("created_at", "added"),
            ("movie__title", "title"),
            ("movie__release_date", "release_date"),
            ("movie__avg_rating", "avg_rating"),
        ),
        help_text="added, title, release_date or avg_rating; - in front for descending. Default: -added.",
    )

    class Meta:
        model = WatchlistEntry
        fields: list[str] = []
