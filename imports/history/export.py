"""A member's export: everything they own, as a FlixReview JSON document ("flixreview-export/1", which the
FlixReview reader imports again) and a CSV in Letterboxd's import format, in one ZIP.

It is the owner's own copy, so private things are in it: private lists, a private diary or watchlist, and reviews
and comments that moderation hid (hidden from others, still theirs). Nothing of anyone else's is, except what a
comment is about: the film of the review, or the name of the list while the member may still see that list.
"""

import datetime
import io
import json
import zipfile
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from activity.models import DiaryEntry, Dismissal, MovieLike, MovieMark, WatchedMark, WatchlistEntry
from comments.models import Comment
from core.spreadsheet import Cell, csv_bytes
from lists.models import FilmList, ListItem
from lists.selectors import lists_visible_to
from movies.models import Genre, Movie
from movies.ratings import rating_key
from reviews.models import Review

FORMAT = "flixreview-export/1"
JSON_NAME = "flixreview-export.json"
CSV_NAME = "letterboxd-import.csv"
LETTERBOXD_HEADER = ("Title", "Year", "tmdbID", "imdbID", "WatchedDate", "Rating", "Rewatch", "Review", "Tags")
FILM_FIELDS = ("id", "title", "release_date", "tmdb_id", "imdb_id")
MARK_FIELDS = ("id", "movie_id", "created_at")


@dataclass(frozen=True)
class History:
    """What a member owns, each kind oldest first (by its date, then id), with the films it is about."""

    user: User
    preferred_genres: list[str]
    reviews: list[Review]
    diary: list[DiaryEntry]
    watched: list[WatchedMark]
    watchlist: list[WatchlistEntry]
    likes: list[MovieLike]
    not_interested: list[Dismissal]
    lists: list[FilmList]  # each with ``items`` prefetched, in order
    comments: list[Comment]  # each with ``about_list_visible``


def _with_films(rows: QuerySet, *fields: str, path: str = "movie") -> QuerySet:
    """The rows with the films they name, loading only what an export writes of each."""
    return rows.select_related(path).only(*fields, *(f"{path}__{field}" for field in FILM_FIELDS))


def _marks(model: type[MovieMark], user: User) -> list[Any]:
    rows = model._default_manager.filter(user=user).order_by("created_at", "id")
    return list(_with_films(rows, *MARK_FIELDS))


def _lists(user: User) -> list[FilmList]:
    items = _with_films(ListItem.objects.order_by("position", "id"), "id", "film_list_id", "position", "note")
    lists = FilmList.objects.filter(owner=user).order_by("created_at", "id")
    return list(lists.prefetch_related(Prefetch("items", queryset=items)))


def _comments(user: User) -> list[Comment]:
    """The member's comments; a list's name is theirs to see only while the list is (another member may have made it
    private since, or a block may stand between them)."""
    visible = lists_visible_to(user).filter(pk=OuterRef("film_list_id"))
    rows = Comment.objects.filter(author=user).annotate(about_list_visible=Exists(visible))
    rows = rows.select_related("film_list").order_by("created_at", "id")
    fields = ("id", "review_id", "film_list_id", "body", "created_at", "edited_at", "review__id", "film_list__name")
    return list(_with_films(rows, *fields, path="review__movie"))


def user_history(user: User) -> History:
    """Everything ``user`` owns, in ten queries however much there is."""
    reviews = Review.objects.filter(user=user).order_by("created_at", "id")
    diary = DiaryEntry.objects.filter(user=user).order_by("watched_on", "id")
    genres = Genre.objects.filter(preferred_by=user).order_by("name", "id").values_list("name", flat=True)
    return History(
        user=user,
        preferred_genres=list(genres),
        reviews=list(_with_films(reviews, "id", "movie_id", "rating", "body", "created_at", "updated_at")),
        diary=list(_with_films(diary, "id", "movie_id", "watched_on", "rewatch", "rating", "created_at")),
        watched=_marks(WatchedMark, user),
        watchlist=_marks(WatchlistEntry, user),
        likes=_marks(MovieLike, user),
        not_interested=_marks(Dismissal, user),
        lists=_lists(user),
        comments=_comments(user),
    )


# --- the JSON document -----------------------------------------------------------------------------------------


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset: ``2024-05-01T18:30:00.123456+00:00``."""
    return None if moment is None else moment.astimezone(datetime.UTC).isoformat()


def film(movie: Movie) -> dict[str, Any]:
    return {
        "id": movie.pk,
        "title": movie.title,
        "year": movie.release_date.year if movie.release_date else None,
        "tmdb_id": movie.tmdb_id,
        "imdb_id": movie.imdb_id,
    }


def _profile(history: History) -> dict[str, Any]:
    user = history.user
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.bio,
        "time_zone": user.time_zone,
        "diary_public": user.diary_public,
        "watchlist_public": user.watchlist_public,
        "preferred_genres": history.preferred_genres,
        "date_joined": iso(user.date_joined),
    }


def _review(review: Review) -> dict[str, Any]:
    return {
        "film": film(review.movie),
        "rating": review.rating,
        "body": review.body,
        "created_at": iso(review.created_at),
        "updated_at": iso(review.updated_at),
    }


def _diary_entry(entry: DiaryEntry) -> dict[str, Any]:
    return {
        "film": film(entry.movie),
        "watched_on": entry.watched_on.isoformat(),
        "rewatch": entry.rewatch,
        "rating": entry.rating,
        "created_at": iso(entry.created_at),
    }


def _marks_of(marks: list[Any]) -> list[dict[str, Any]]:
    return [{"film": film(mark.movie), "created_at": iso(mark.created_at)} for mark in marks]


def _list(film_list: FilmList) -> dict[str, Any]:
    return {
        "name": film_list.name,
        "description": film_list.description,
        "ranked": film_list.ranked,
        "public": film_list.public,
        "created_at": iso(film_list.created_at),
        "items": [
            {"position": item.position, "film": film(item.movie), "note": item.note} for item in film_list.items.all()
        ],
    }


def _comment(comment: Comment) -> dict[str, Any]:
    on: dict[str, Any]
    if comment.review_id is not None:
        on = {"on": "review", "review_id": comment.review_id, "about": film(comment.review.movie)}  # type: ignore[union-attr]
    else:
        name = comment.film_list.name if comment.about_list_visible else ""  # type: ignore[attr-defined,union-attr]
        on = {"on": "list", "list_id": comment.film_list_id, "about": name}
    return {**on, "body": comment.body, "created_at": iso(comment.created_at), "edited_at": iso(comment.edited_at)}


def export_document(history: History, exported_at: datetime.datetime) -> dict[str, Any]:
    """The "flixreview-export/1" document."""
    return {
        "format": FORMAT,
        "exported_at": iso(exported_at),
        "profile": _profile(history),
        "reviews": [_review(review) for review in history.reviews],
        "diary": [_diary_entry(entry) for entry in history.diary],
        "watched": _marks_of(history.watched),
        "watchlist": _marks_of(history.watchlist),
        "likes": _marks_of(history.likes),
        "not_interested": _marks_of(history.not_interested),
        "lists": [_list(film_list) for film_list in history.lists],
        "comments": [_comment(comment) for comment in history.comments],
    }


# --- the Letterboxd CSV ----------------------------------------------------------------------------------------


def _letterboxd_row(
    movie: Movie, *, watched_on: str = "", rating: float | None = None, rewatch: str = "", review: str = ""
) -> list[Cell]:
    year = movie.release_date.year if movie.release_date else None
    stars = rating_key(rating) if rating is not None else ""
    return [movie.title, year, movie.tmdb_id, movie.imdb_id, watched_on, stars, rewatch, review, ""]


def letterboxd_rows(history: History) -> Iterator[list[Cell]]:
    """One row per diary entry (its rating, else the film's review's; the review's text on the film's latest entry
    only), then one per reviewed film never logged, then one per film only marked watched."""
    reviews = {review.movie_id: review for review in history.reviews}
    latest = {entry.movie_id: entry.pk for entry in history.diary}  # the diary is oldest first
    for entry in history.diary:
        review = reviews.get(entry.movie_id)
        rating = entry.rating if entry.rating is not None or review is None else review.rating
        body = review.body if review is not None and latest[entry.movie_id] == entry.pk else ""
        rewatch = "true" if entry.rewatch else "false"
        yield _letterboxd_row(
            entry.movie, watched_on=entry.watched_on.isoformat(), rating=rating, rewatch=rewatch, review=body
        )
    for review in history.reviews:
        if review.movie_id not in latest:
            yield _letterboxd_row(review.movie, rating=review.rating, review=review.body)
    for mark in history.watched:
        if mark.movie_id not in latest and mark.movie_id not in reviews:
            yield _letterboxd_row(mark.movie)


# --- the ZIP ---------------------------------------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes]], moment: datetime.datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = moment.astimezone(datetime.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # a readable file once unpacked
            archive.writestr(info, body)
    return buffer.getvalue()


def export_file_name(user: User, moment: datetime.datetime) -> str:
    """``flixreview-<username>-<YYYY-MM-DD>.zip``, dated in the member's time zone."""
    day = moment.astimezone(zoneinfo.ZoneInfo(user.time_zone)).date()
    return f"flixreview-{user.username}-{day.isoformat()}.zip"


def user_export(user: User, *, now: datetime.datetime | None = None) -> tuple[str, bytes]:
    """The member's export: its file name and the ZIP's bytes."""
    moment = now or timezone.now()
    history = user_history(user)
    document = json.dumps(export_document(history, moment), ensure_ascii=False, indent=2) + "\n"
    members = [
        (CSV_NAME, csv_bytes(LETTERBOXD_HEADER, letterboxd_rows(history))),
        (JSON_NAME, document.encode("utf-8")),
    ]
    return export_file_name(user, moment), _zip(members, moment)
