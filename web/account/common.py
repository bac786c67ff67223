"""What the account's views share: the member behind login_required, and whether htmx asked."""

from typing import cast

from django.http import HttpRequest

from accounts.models import User


def member(request: HttpRequest) -> User:
    """The logged-in member of a view behind login_required."""
    return cast(User, request.user)


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))
