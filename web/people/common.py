"""What the members' pages share: who is asking, pages of rows, the answer to a write (a partial for htmx, a
redirect with a message otherwise) and the API's errors as sentences."""

from collections.abc import Sequence
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.exceptions import APIException

from accounts.models import User
from follows.selectors import is_blocked_between

Viewer = User | AnonymousUser


def viewer(request: HttpRequest) -> Viewer:
    return request.user


def member_of(request: HttpRequest) -> User:
    """The logged-in user of a view that requires one."""
    return cast(User, request.user)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def not_across_a_block(member: User, someone: Viewer) -> User:
    """The member, unless a block stands between them and ``someone``: then their pages are a 404 to them, as the
    API leaves their reviews, lists and comments out of everything the other reads."""
    if is_blocked_between(member.pk, someone.pk):
        raise Http404("No such member.")
    return member


def page_of(
    request: HttpRequest, rows: Sequence[Any] | Any, per_page: int, param: str = "page", *, last: bool = False
) -> Page:
    """The page that ``param`` names (the first for anything that is not a page number, the last past the end): in
    the query, or in the form that changed the page's rows (it sends the page it was on). ``last``: the last page."""
    paginator = Paginator(rows, per_page)
    if last:
        return paginator.get_page(paginator.num_pages)
    return paginator.get_page(request.POST.get(param) or request.GET.get(param))


def safe_next(request: HttpRequest, default: str) -> str:
    """Where a form asks to go back to (``next``), if it is on this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def done(request: HttpRequest, default: str, message: str, *, error: bool = False) -> HttpResponseRedirect:
    """The answer to a form posted without JavaScript: back where it came from, with a message."""
    (messages.error if error else messages.success)(request, message)
    return HttpResponseRedirect(safe_next(request, default))


def error_text(exc: APIException) -> str:
    """A service's DRF error as one sentence (or several), whatever the shape of its detail."""
    return " ".join(_flatten(exc.detail))


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, list):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def status_partial(request: HttpRequest, message: str, *, error: bool = False, status: int = 200) -> HttpResponse:
    """Only the page's live status region (swapped out of band), for an htmx write that changes nothing else."""
    context = {"status_message": message, "status_error": error}
    return render(request, "web/people/_status.html", {**context, "oob": True}, status=status)
