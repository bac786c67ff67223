from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE = 100


def _positive_int(value: str, name: str, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: ["A whole number is required."]}) from None
    if number < 1 or (maximum is not None and number > maximum):
        bound = f" and at most {maximum}" if maximum else ""
        raise ValidationError({name: [f"Must be at least 1{bound}."]})
    return number


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination that rejects malformed `page`/`page_size` instead of ignoring them."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _positive_int(raw, self.page_size_query_param, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        raw_page = request.query_params.get(self.page_query_param, "1")
        page_number = _positive_int(raw_page, self.page_query_param)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise NotFound(f"Page {page_number} does not exist; there are {paginator.num_pages} pages.") from None
        self.request = request
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
