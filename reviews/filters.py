from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from accounts.selectors import user_id_named
from core.filters import IntegerFilter
from movies.ratings import RATING_RULE, RATING_SCHEMA, validate_rating
from reviews.models import Review

REVIEW_ORDERING_FIELDS = ["created_at", "rating"]


class ReviewFilter(filters.FilterSet):
    movie = IntegerFilter(field_name="movie_id", min_value=1)
    user = filters.CharFilter(method="filter_user", max_length=150, help_text="A member's username (any case).")
    rating_min = extend_schema_field(RATING_SCHEMA)(
        filters.NumberFilter(
            field_name="rating",
            lookup_expr="gte",
            validators=[validate_rating],
            help_text=f"Reviews rated this or more. {RATING_RULE}",
        )
    )
    rating_max = extend_schema_field(RATING_SCHEMA)(
        filters.NumberFilter(
            field_name="rating",
            lookup_expr="lte",
            validators=[validate_rating],
            help_text=f"Reviews rated this or less. {RATING_RULE}",
        )
    )
    search = filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words in the review or the movie title."
    )

    class Meta:
        model = Review
        fields: list[str] = []

    def filter_user(self, queryset, name, value):
        # The member first, then their reviews through the (user, created_at) index: joining on the name would walk
        # every review in the list's order looking for theirs.
        return queryset.filter(user_id=user_id_named(value) or 0)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(body__icontains=value) | Q(movie__title__icontains=value))
