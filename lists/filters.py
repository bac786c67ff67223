from django.db.models import Q
from django_filters import rest_framework as filters

from accounts.selectors import users_named
from lists.models import FilmList


class _OrderingWithTieBreak(filters.OrderingFilter):
    """Ends on the primary key, so that pages never repeat or skip lists that tie."""

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "-pk") if value else ordered


class FilmListFilter(filters.FilterSet):
    user = filters.CharFilter(
        method="filter_user",
        max_length=150,
        help_text="A member's username: their public lists (and your private ones, if it is you).",
    )
    search = filters.CharFilter(method="filter_search", max_length=200, help_text="Words in the name or description.")
    ordering = _OrderingWithTieBreak(
        fields=(("updated_at", "updated"), ("like_count", "likes"), ("name", "name")),
        help_text="updated, likes or name; - in front for descending. Default: -updated (on a film's lists: -likes).",
    )

    class Meta:
        model = FilmList
        fields: list[str] = []

    def filter_user(self, queryset, name, value):
        return queryset.filter(owner__in=users_named(value))

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
