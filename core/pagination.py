from typing import Any

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView

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

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _positive_int(raw, self.page_size_query_param, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Paginator) -> int:
        number = _positive_int(request.query_params.get(self.page_query_param, "1"), self.page_query_param)
        if number > paginator.num_pages:
            raise NotFound(f"Page {number} does not exist; there are {paginator.num_pages} pages.")
        return number

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
