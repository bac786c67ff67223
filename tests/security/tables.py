"""The API's writes and reads, each with a caller allowed to make it and a URL into the security world: the
modules that try something on every write or every read share them (each asserts that its table covers every
route the URL resolver has)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework_simplejwt.tokens import RefreshToken

from imports.tests.history_files import LETTERBOXD_HEADERS, csv_text
from tests.factories import DEFAULT_PASSWORD
from tests.security.support import ADMIN, ANONYMOUS, OTHER, OWNER, World

STRONG_PASSWORD = "Zebra-Quantum-Lantern-42"


@dataclass(frozen=True)
class Write:
    route: str
    method: str
    actor: str
    url: Callable[[World], str]
    body: Callable[[World], dict] | None  # None: the write takes no body
    multipart: bool = False
    needs_tmdb: bool = False  # TMDB is not configured here: the valid request gets as far as a 503


def refresh_token(world: World) -> dict:
    return {"refresh": str(RefreshToken.for_user(world.user(OTHER)))}


def history_upload(world: World) -> dict:
    text = csv_text(LETTERBOXD_HEADERS["watched.csv"], [["2024-01-01", "Nothing", 1999, "https://boxd.it/x"]])
    return {"file": SimpleUploadedFile("watched.csv", text.encode(), content_type="text/csv")}


def fixed(url: str) -> Callable[[World], str]:
    return lambda world: url


WRITES = [
    Write("diary-list", "post", OTHER, fixed("/api/diary/"), lambda w: {"movie": w.fresh_movie}),
    Write("diary-detail", "patch", OWNER, lambda w: f"/api/diary/{w.diary_entry}/", lambda w: {"rewatch": True}),
    Write("watchlist-entry", "put", OTHER, lambda w: f"/api/watchlist/{w.fresh_movie}/", None),
    Write("movie-watched", "put", OTHER, lambda w: f"/api/movies/{w.fresh_movie}/watched/", None),
    Write("movie-like", "put", OTHER, lambda w: f"/api/movies/{w.fresh_movie}/like/", None),
    Write("dismissal", "put", OTHER, lambda w: f"/api/recommendations/dismissed/{w.fresh_movie}/", None),
    Write(
        "register",
        "post",
        ANONYMOUS,
        fixed("/api/users/register/"),
        lambda w: {"username": "newcomer", "email": "newcomer@example.com", "password": STRONG_PASSWORD},
    ),
    Write(
        "login",
        "post",
        ANONYMOUS,
        fixed("/api/users/login/"),
        lambda w: {"username": w.usernames[OTHER], "password": DEFAULT_PASSWORD},
    ),
    Write("token-refresh", "post", ANONYMOUS, fixed("/api/users/token/refresh/"), refresh_token),
    Write("logout", "post", ANONYMOUS, fixed("/api/users/logout/"), refresh_token),
    Write("me", "patch", OTHER, fixed("/api/users/me/"), lambda w: {"bio": "Hello."}),
    Write(
        "password-change",
        "post",
        OTHER,
        fixed("/api/users/me/password/"),
        lambda w: {"old_password": DEFAULT_PASSWORD, "new_password": STRONG_PASSWORD},
    ),
    # Aimed at someone else than the injected owner (victim_of), whose follows and blocks must not change.
    Write("follow", "put", ADMIN, lambda w: f"/api/users/{w.usernames[OTHER]}/follow/", None),
    Write("block", "put", OTHER, lambda w: f"/api/users/{w.usernames[ADMIN]}/block/", None),
    Write("list-list", "post", OTHER, fixed("/api/lists/"), lambda w: {"name": "Mine"}),
    Write("list-detail", "patch", OWNER, lambda w: f"/api/lists/{w.public_list}/", lambda w: {"name": "Renamed"}),
    Write("list-like", "put", ADMIN, lambda w: f"/api/lists/{w.public_list}/like/", None),
    Write(
        "list-items", "post", OWNER, lambda w: f"/api/lists/{w.public_list}/items/", lambda w: {"movie": w.fresh_movie}
    ),
    Write(
        "list-item",
        "patch",
        OWNER,
        lambda w: f"/api/lists/{w.public_list}/items/{w.public_item}/",
        lambda w: {"note": "Better."},
    ),
    Write(
        "review-comments", "post", OTHER, lambda w: f"/api/reviews/{w.review}/comments/", lambda w: {"body": "Agreed."}
    ),
    Write(
        "list-comments", "post", OTHER, lambda w: f"/api/lists/{w.public_list}/comments/", lambda w: {"body": "Agreed."}
    ),
    Write("comment-detail", "patch", OWNER, lambda w: f"/api/comments/{w.comment}/", lambda w: {"body": "Edited."}),
    Write("notifications-read", "post", OWNER, fixed("/api/notifications/read/"), lambda w: {"all": True}),
    Write("imports", "post", OTHER, fixed("/api/imports/"), history_upload, multipart=True),
    Write(
        "movie-import-tmdb",
        "post",
        ADMIN,
        fixed("/api/movies/import-tmdb/"),
        lambda w: {"tmdb_id": 550},
        needs_tmdb=True,
    ),
    Write("movie-sync-tmdb", "post", ADMIN, lambda w: f"/api/movies/{w.movie}/sync-tmdb/", None, needs_tmdb=True),
    Write("movie-list", "post", ADMIN, fixed("/api/movies/"), lambda w: {"title": "Brand new"}),
    Write("movie-detail", "put", ADMIN, lambda w: f"/api/movies/{w.movie}/", lambda w: {"title": "Retitled"}),
    Write("movie-detail", "patch", ADMIN, lambda w: f"/api/movies/{w.movie}/", lambda w: {"runtime": 101}),
    Write("genre-list", "post", ADMIN, fixed("/api/genres/"), lambda w: {"name": "Giallo"}),
    Write("genre-detail", "put", ADMIN, lambda w: f"/api/genres/{w.genre_slug}/", lambda w: {"name": "Neo-noir"}),
    Write("genre-detail", "patch", ADMIN, lambda w: f"/api/genres/{w.genre_slug}/", lambda w: {"description": "."}),
    Write("review-list", "post", OTHER, fixed("/api/reviews/"), lambda w: {"movie": w.fresh_movie, "rating": 4}),
    Write(
        "review-detail",
        "put",
        OWNER,
        lambda w: f"/api/reviews/{w.review}/",
        lambda w: {"rating": 2, "body": "Changed my mind."},
    ),
    Write("review-detail", "patch", OWNER, lambda w: f"/api/reviews/{w.review}/", lambda w: {"rating": 5}),
    Write("review-like", "put", OTHER, lambda w: f"/api/reviews/{w.review}/like/", None),
]


def get_urls(world: World) -> dict[str, str]:
    owner, movie = world.usernames[OWNER], world.movie
    return {
        "schema": "/api/schema/",
        "docs": "/api/docs/",
        "taste-profile": "/api/users/profile/taste-profile/",
        "diary-list": "/api/diary/",
        "diary-detail": f"/api/diary/{world.diary_entry}/",
        "watchlist": "/api/watchlist/",
        "dismissed": "/api/recommendations/dismissed/",
        "member-diary": f"/api/users/{owner}/diary/",
        "member-watchlist": f"/api/users/{owner}/watchlist/",
        "me": "/api/users/me/",
        "blocked": "/api/users/me/blocked/",
        "followers": f"/api/users/{owner}/followers/",
        "following": f"/api/users/{world.usernames[OTHER]}/following/",
        "list-list": f"/api/lists/?user={owner}",
        "list-detail": f"/api/lists/{world.public_list}/",
        "list-items": f"/api/lists/{world.public_list}/items/",
        "movie-lists": f"/api/movies/{movie}/lists/",
        "review-comments": f"/api/reviews/{world.review}/comments/",
        "list-comments": f"/api/lists/{world.public_list}/comments/",
        "comment-detail": f"/api/comments/{world.comment}/",
        "feed": "/api/feed/",
        "notifications": "/api/notifications/",
        "imports": "/api/imports/",
        "import-detail": f"/api/imports/{world.import_job}/",
        "import-unmatched": f"/api/imports/{world.import_job}/unmatched.csv",
        "user-export": "/api/users/me/export/",
        "profile": f"/api/users/{owner}/",
        "top-rated": "/api/recommendations/top-rated/",
        "trending": "/api/recommendations/trending/",
        "most-reviewed": "/api/recommendations/most-reviewed/",
        "recent": "/api/recommendations/recent/",
        "dashboard": "/api/recommendations/dashboard/",
        "for-you": "/api/recommendations/for-you/",
        "by-genre": f"/api/recommendations/by-genre/{world.genre_slug}/",
        "movie-similar": f"/api/movies/{movie}/similar/",
        "movie-reviews": f"/api/movies/{movie}/reviews/",
        "movie-search-tmdb": "/api/movies/search-tmdb/?q=noir",
        "movie-list": "/api/movies/",
        "movie-detail": f"/api/movies/{movie}/",
        "genre-list": "/api/genres/",
        "genre-detail": f"/api/genres/{world.genre_slug}/",
        "review-list": "/api/reviews/",
        "review-detail": f"/api/reviews/{world.review}/",
    }
