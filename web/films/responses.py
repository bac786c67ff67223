"""How the film pages answer a write: without JavaScript, a redirect back with a message; with htmx, the controls
that changed, rendered again and swapped in place (out of band), and the message in the page's live region."""

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import User
from movies.models import Movie
from web.films.page import film_context, film_or_404, film_ratings, histogram, member_context

# The member's controls on a film's page: the template of each, whose root element has the part's id.
PARTS = {
    "film-rating": "web/films/_rating.html",
    "film-marks": "web/films/_marks.html",
    "film-log": "web/films/_log.html",
    "film-review": "web/films/_editor.html",
    "film-ratings": "web/films/_ratings.html",
}

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def member(request: HttpRequest) -> User:
    """The logged-in member of a view behind member_required."""
    assert isinstance(request.user, User)
    return request.user


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to: the form's ``next``, else the page the request came from, if on this site."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlparse(candidate)
            query, anchor = f"?{parts.query}" if parts.query else "", f"#{parts.fragment}" if parts.fragment else ""
            return parts.path + query + anchor
    return default


def member_required(view: View) -> View:
    """Visitors go to log in first, and come back to the page they were on (htmx follows with a full redirect)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login = resolve_url(settings.LOGIN_URL)
        url = f"{login}?{urlencode({'next': safe_next(request, reverse('web:films'))})}"
        return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)

    return wrapper


def live_status(message: str) -> str:
    """The message for the page's live region (id live-status), swapped in out of band."""
    return format_html('<p id="live-status" hx-swap-oob="innerHTML">{}</p>', message)


def film_url(movie_id: int, anchor: str = "") -> str:
    return reverse("web:film", args=[movie_id]) + (f"#{anchor}" if anchor else "")


def film_done(
    request: HttpRequest,
    movie: Movie,
    parts: list[str],
    message: str,
    extra: str = "",
    focus: str = "",
    error: bool = False,
) -> HttpResponse:
    """A write on the film was answered: the changed controls (htmx), or back to the film's page with a message
    (``error``: the write was refused, and the controls show the film as it still is).

    ``focus`` names the part that takes the keyboard focus when the control used is gone from the swapped-in part
    (the part's template marks the element with data-autofocus, which the afterSwap handler of people.js focuses,
    out-of-band swaps included); otherwise htmx keeps it on the control, by its id.
    """
    if not is_htmx(request):
        (messages.error if error else messages.success)(request, message)
        return redirect(film_url(movie.pk, parts[0] if parts else ""))
    movie = film_ratings(movie.pk)  # as the write left it: its average, counts and histogram
    context = {"film": movie, "oob": True, "focus": focus, "histogram": histogram(movie)}
    context.update(member_context(member(request), movie))
    html = [render_to_string(PARTS[part], context, request=request) for part in parts]
    return HttpResponse("".join(html) + extra + live_status(message))


def film_invalid(request: HttpRequest, movie: Movie, part: str, **forms: Any) -> HttpResponse:
    """A write on the film was refused: the control with the form's errors (htmx), or the whole page (400)."""
    if is_htmx(request):
        context = {"film": movie, "oob": True, **member_context(member(request), movie, **forms)}
        html = render_to_string(PARTS[part], context, request=request)
        return HttpResponse(html + live_status("Not saved: please check the form."))
    full = film_or_404(movie.pk)
    return render(request, "web/films/film.html", film_context(request, full, **forms), status=400)
