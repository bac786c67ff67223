"""``viewer``: what the logged-in member did with each film of a response, added on top of the response that
everyone gets (which stays the same, and cacheable, for anonymous callers)."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework.response import Response

from accounts.models import User
from activity.selectors import viewer_states

NOTHING = {"rating": None, "watched": False, "in_watchlist": False, "liked": False, "dismissed": False}

Rows = list[dict[str, Any]]


def with_viewer(response: Response, user: User | AnonymousUser) -> Response:
    """The response with ``viewer`` in each film: a film, a list of films, or a page of them."""
    if not user.is_authenticated or response.status_code != 200:
        return response
    data = response.data
    if isinstance(data, list):
        response.data = add_viewer({"rows": data}, user)["rows"]
    elif isinstance(data, dict) and isinstance(data.get("results"), list):
        response.data = {**data, **add_viewer({"results": data["results"]}, user)}
    elif isinstance(data, dict):
        response.data = add_viewer({"film": [data]}, user)["film"][0]
    return response


def add_viewer(lists: dict[str, Rows], user: User) -> dict[str, Rows]:
    """Each list of film rows with ``viewer`` in every row, from one query for them all (rows are copied: they may
    be a cached response's)."""
    states = viewer_states(user, list(_ids(lists.values())))
    return {name: [{**row, "viewer": states.get(row["id"], NOTHING)} for row in rows] for name, rows in lists.items()}


def _ids(lists: Iterable[Rows]) -> dict[int, None]:
    return {row["id"]: None for rows in lists for row in rows}
