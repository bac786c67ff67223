from django import forms
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """Orders by the requested fields, rejects unknown ones, and ends on the primary key so that
    pages never repeat or skip rows that tie."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [field for field in fields if field not in valid]
        if invalid:
            allowed = ", ".join(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError(
                {self.ordering_param: [f"Cannot order by {', '.join(invalid)}; use one of: {allowed}."]}
            )
        return valid

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(field.lstrip("-") in {"id", "pk"} for field in ordering):
            ordering = [*ordering, "-pk"]
        return ordering


BIGINT_MAX = 2**63 - 1


class IntegerFilter(filters.NumberFilter):
    """Whole numbers only, bounded so that the database never sees an out-of-range integer."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -BIGINT_MAX)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """Builds and validates the filter form only when the request names one of its filters:
    unfiltered lists, the hottest requests, skip that work entirely."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(name in request.query_params for name in filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)
