"""Every page of the site that a browser test visits. A new page joins the accessibility, layout and console checks
with one line here (test_every_page_of_the_site_is_checked fails until it does)."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse


@dataclass(frozen=True)
class SitePage:
    name: str
    url_name: str | None  # in the "web" namespace; None for a page no route names (the 404)
    path: Callable[[SimpleNamespace], str]
    member: bool = False  # visited logged in as the site's member (mira)
    status: int = 200


def _named(url_name: str, *args: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], str]:
    return lambda site: reverse(f"web:{url_name}", args=[arg(site) for arg in args])


PAGES = [
    SitePage("home-visitor", "home", _named("home")),
    SitePage("home-member", "home", _named("home"), member=True),
    SitePage("films", "films", _named("films")),
    SitePage("films-member", "films", _named("films"), member=True),
    SitePage("film", "film", _named("film", lambda site: site.film.pk)),
    SitePage("film-member", "film", _named("film", lambda site: site.film.pk), member=True),
    SitePage("login", "login", _named("login")),
    SitePage("join", "register", _named("register")),
    SitePage("not-found", None, lambda site: "/no-such-page/", status=404),
    SitePage("profile-visitor", "profile", _named("profile", lambda site: site.friend.username)),
    SitePage("profile-own", "profile", _named("profile", lambda site: site.member.username), member=True),
    SitePage("feed", "feed", _named("feed"), member=True),
    SitePage("notifications", "notifications", _named("notifications"), member=True),
    SitePage("settings", "settings", _named("settings"), member=True),
    SitePage("password-change", "password-change", _named("password-change"), member=True),
]

# Routes that are not pages to look at: a POST-only action.
NOT_PAGES = {"logout"}
