import base64
import binascii
import datetime
import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.filters import BIGINT_MAX

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


class _CountedPaginator(Paginator):
    """A paginator told its count (by a view that knows it without counting rows)."""

    def __init__(self, *args: Any, known_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @property
    def count(self) -> int:
        return self.known_count


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination that rejects malformed `page`/`page_size` instead of ignoring them.

    A view whose ``known_count(queryset)`` returns a number (rather than None) saves the COUNT(*) of every page.
    """

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset: Any, request: Request, view: APIView | None = None) -> list[Any] | None:
        known = getattr(view, "known_count", None)
        count = known(queryset) if known is not None else None
        if count is None:
            self.django_paginator_class = Paginator
        else:
            self.django_paginator_class = functools.partial(_CountedPaginator, known_count=count)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)

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


Position = tuple[datetime.datetime, int]
Entry = tuple[Position, Any]  # a row and where it stands
INVALID_CURSOR = "Invalid cursor: use the `next` link of a previous page."


class KeysetPagination(pagination.BasePagination):
    """Newest first on (created_at, id), resumed after the last row of the previous page.

    The cursor is an opaque token for that row's (created_at, id). A page is the rows strictly before it in that
    order, so rows added meanwhile (newer, at the front) neither repeat a row nor skip one, and rows sharing a
    timestamp are told apart by id. Each page is one query with ``LIMIT page_size + 1`` (the extra row says
    whether there is a next page): no COUNT, no OFFSET.
    """

    page_size = 20
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset: Any, request: Request, view: APIView | None = None) -> list[Any]:
        def fetch(position: Position | None, limit: int) -> list[Entry]:
            return [(self.position_of(row), row) for row in self.queryset_after(queryset, position)[:limit]]

        return self.paginate(fetch, request)

    def paginate(self, fetch: Callable[[Position | None, int], list[Entry]], request: Request) -> list[Any]:
        """The page that ``fetch(position, limit)`` reads: at most ``limit`` (position, row) pairs after
        ``position``, in order. A row may be None (read, then found not to be shown): the page leaves it out and
        the cursor still moves past it."""
        self.request = request
        size = self.get_page_size(request)
        position = self.decode_cursor(request.query_params.get(self.cursor_query_param))
        entries = fetch(position, size + 1)
        self.next_position = entries[size - 1][0] if len(entries) > size else None
        return [row for _, row in entries[:size] if row is not None]

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        return self.page_size if raw is None else _positive_int(raw, self.page_size_query_param, self.max_page_size)

    @staticmethod
    def queryset_after(queryset: QuerySet, position: Position | None) -> QuerySet:
        queryset = queryset.order_by("-created_at", "-id")
        if position is None:
            return queryset
        moment, row_id = position
        # The first condition alone is the index range; the second drops the rows of that instant not yet past.
        return queryset.filter(created_at__lte=moment).filter(Q(created_at__lt=moment) | Q(id__lt=row_id))

    @staticmethod
    def position_of(row: Model) -> Position:
        return row.created_at, row.pk  # type: ignore[attr-defined]

    @staticmethod
    def encode_cursor(position: Position) -> str:
        moment, row_id = position
        text = json.dumps([moment.astimezone(datetime.UTC).isoformat(), row_id], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @staticmethod
    def decode_cursor(cursor: str | None) -> Position | None:
        if cursor is None:
            return None
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            moment_text, row_id = json.loads(text)
            moment = datetime.datetime.fromisoformat(moment_text)
        except (binascii.Error, UnicodeError, ValueError, TypeError):
            raise ValidationError({"cursor": [INVALID_CURSOR]}, code="invalid_cursor") from None
        if type(row_id) is not int or not 0 < row_id <= BIGINT_MAX or timezone.is_naive(moment):
            raise ValidationError({"cursor": [INVALID_CURSOR]}, code="invalid_cursor")
        return moment, row_id

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, self.encode_cursor(self.next_position)
        )

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next (older) page; null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Where to resume: the cursor of a previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": "Rows per page.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
