"""Every page of the site that a browser test visits, and every route that is not a page. A new route joins the
accessibility, layout and console checks with one line here: test_every_route_of_the_site_is_listed fails until
it is in PAGES (a page to look at) or NOT_PAGES (an action, a download or a partial). A page whose route this tree
does not have yet is skipped."""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse


@dataclass(frozen=True)
class SitePage:
    name: str
    url_name: str | None  # in the "web" namespace; None for a page no route names (the 404)
    path: Callable[[SimpleNamespace], str]
    member: bool = False  # visited logged in as the site's member (mira), who owns the list and the import
    status: int = 200


def _named(url_name: str, *args: Callable[[SimpleNamespace], object]) -> Callable[[SimpleNamespace], str]:
    return lambda site: reverse(f"web:{url_name}", args=[arg(site) for arg in args])


def _page(name: str, url_name: str, *args: Callable[[SimpleNamespace], object], member: bool = False) -> SitePage:
    return SitePage(name, url_name, _named(url_name, *args), member=member)


def _film(site: SimpleNamespace) -> int:
    return site.film.pk


def _friend(site: SimpleNamespace) -> str:
    return site.friend.username


def _member(site: SimpleNamespace) -> str:
    return site.member.username


def _list(site: SimpleNamespace) -> int:
    return site.film_list.pk


PAGES = [
    _page("home-visitor", "home"),
    _page("home-member", "home", member=True),
    _page("films", "films"),
    _page("films-member", "films", member=True),
    _page("film", "film", _film),
    _page("film-member", "film", _film, member=True),
    _page("genres", "genres"),
    _page("genre", "genre", lambda site: site.genre.slug),
    _page("review-comments", "review-comments", lambda site: site.review.pk, member=True),
    _page("login", "login"),
    _page("join", "register"),
    SitePage("not-found", None, lambda site: "/no-such-page/", status=404),
    _page("profile-visitor", "profile", _friend),
    _page("profile-own", "profile", _member, member=True),
    _page("diary-visitor", "diary", _friend),
    _page("diary-own", "diary", _member, member=True),
    _page("watchlist-own", "watchlist", _member, member=True),
    _page("lists", "lists", _member),
    _page("followers", "followers", _friend),
    _page("following", "following", _member, member=True),
    _page("list-visitor", "list", _list),
    _page("list-owner", "list", _list, member=True),
    _page("list-new", "list-new", member=True),
    _page("list-edit", "list-edit", _list, member=True),
    _page("list-add", "list-add", _list, member=True),
    _page("list-delete", "list-delete", _list, member=True),
    _page("feed", "feed", member=True),
    _page("notifications", "notifications", member=True),
    _page("settings", "settings", member=True),
    _page("settings-profile", "settings-profile", member=True),
    _page("settings-genres", "settings-genres", member=True),
    _page("settings-privacy", "settings-privacy", member=True),
    _page("password-change", "password-change", member=True),
    _page("settings-delete", "settings-delete", member=True),
    _page("import", "import", member=True),
    _page("import-job", "import-job", lambda site: site.import_job.pk, member=True),
    _page("export", "export", member=True),
]

# Routes that are not pages to look at: POST-only actions, downloads and partials for htmx.
NOT_PAGES = {
    "logout",
    "film-rate",
    "film-like",
    "film-watchlist",
    "film-log",
    "film-review",
    "review-delete",
    "review-like",
    "notifications-read",
    "follow",
    "block",
    "watchlist-remove",
    "list-like",
    "list-comment",
    "list-comment-delete",
    "list-item",
    "list-item-remove",
    "settings-avatar-remove",
    "import-progress",
    "import-unmatched",
    "import-cancel",
    "import-delete",
}
