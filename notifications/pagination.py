from typing import Any, cast

from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import member
from core.pagination import PageNumberPagination
from notifications import selectors

UNREAD_COUNT_HELP = "How many of your notifications are unread, whatever the filter."


class NotificationPagination(PageNumberPagination):
    """The page, and beside it the caller's unread count (the badge a client shows)."""

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        request = cast(Request, self.request)  # set by paginate_queryset
        response.data["unread_count"] = selectors.unread_count(member(request))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["unread_count"] = {"type": "integer", "minimum": 0, "description": UNREAD_COUNT_HELP}
        paginated["required"] = [*paginated.get("required", []), "unread_count"]
        return paginated
