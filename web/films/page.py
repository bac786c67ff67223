"""The film page's reads: the film and its ratings, its reviews (friends' first) with their likes and first comments,
similar films and the lists that hold it, and what the member did with it, which draws their controls."""

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, F, Q, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest
from django.urls import reverse

from accounts.models import User
from activity.selectors import user_today, viewer_states
from activity.viewer import NOTHING
from comments.models import Comment
from comments.selectors import comments_listed
from core.filters import BIGINT_MAX
from follows.selectors import followee_ids
from lists.selectors import lists_with_movie
from movies.models import Movie
from movies.ratings import RATINGS, rating_distribution, rating_key
from movies.selectors import SUMMARY_FIELDS, movie_list, movie_summary_rows
from recommendations.selectors.similar import similar_movies
from reviews.models import Review, ReviewLike
from reviews.selectors import REVIEW_ROW_FIELDS, reviews_listed_for, reviews_visible_to
from web.films.browse import page_links

Viewer = User | AnonymousUser

REVIEWS_PER_PAGE = 10
COMMENT_PREVIEW = 3
SIMILAR = 8
LISTS = 6
CAST = 12


def _stars_label(rating: float) -> str:
    key = rating_key(rating)
    return f"{key} star" if key == "1" else f"{key} stars"


# The rating scale as the radio group draws it: a left half star for 0.5, 1.5 ..., a right half for 1, 2 ...
STARS = [
    {
        "value": rating_key(rating),
        "slug": rating_key(rating).replace(".", "-"),
        "left": not float(rating).is_integer(),
        "label": _stars_label(rating),
    }
    for rating in RATINGS
]
RATING_OPTIONS = [(rating_key(rating), _stars_label(rating)) for rating in RATINGS]


def film_or_404(pk: int) -> Movie:
    """The film with every field its page shows."""
    movie = movie_list().filter(pk=pk).first() if pk <= BIGINT_MAX else None
    if movie is None:
        raise Http404("No such film.")
    return movie


def film_summary_or_404(pk: int) -> Movie:
    """The film as a summary: enough for a write and its answer."""
    movie = movie_summary_rows().filter(pk=pk).first() if pk <= BIGINT_MAX else None
    if movie is None:
        raise Http404("No such film.")
    return movie


def film_ratings(pk: int) -> Movie:
    """The film as a summary with its likes and rating distribution: what its controls and its ratings show."""
    return movie_summary_rows().only(*SUMMARY_FIELDS, "like_count", "rating_distribution").get(pk=pk)


def runtime_text(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours and rest else f"{hours} h" if hours else f"{rest} min"


def histogram(movie: Movie) -> list[dict[str, Any]]:
    """One bar per rating, lowest first; ``height`` is a multiple of 5 (a CSS class), the tallest bar 100."""
    counts = rating_distribution(movie.rating_distribution or {})
    top = max(counts.values()) or 1
    bars = []
    for key, count in counts.items():
        height = round(count / top * 20) * 5
        bars.append({"key": key, "count": count, "height": max(height, 5) if count else 0})
    return bars


def own_review(user: User, movie: Movie) -> Review | None:
    """The member's review of the film, a hidden one included (its author still sees it)."""
    rows = reviews_visible_to(user).filter(user_id=user.pk, movie_id=movie.pk)
    return rows.only(*REVIEW_ROW_FIELDS, "hidden", "user__username", "movie__title").first()


def member_context(user: User, movie: Movie, **forms: Any) -> dict[str, Any]:
    """What draws the member's controls: their state with the film, their review, the forms (bound ones after a
    failed post), today in their time zone."""
    state = viewer_states(user, [movie.pk]).get(movie.pk, NOTHING)
    review = own_review(user, movie)
    today = user_today(user)
    return {
        "state": state,
        "my_rating": "" if state["rating"] is None else rating_key(state["rating"]),
        "own_review": review,
        "stars": STARS,
        "rating_options": RATING_OPTIONS,
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
        "rating_form": forms.get("rating_form"),
        "review_form": forms.get("review_form"),
        "log_form": forms.get("log_form"),
    }


def _friend_first(viewer: Viewer) -> ExpressionWrapper | Value:
    if isinstance(viewer, User):
        return ExpressionWrapper(Q(user_id__in=followee_ids(viewer)), output_field=BooleanField())
    return Value(False, output_field=BooleanField())


def reviews_context(request: HttpRequest, movie: Movie) -> dict[str, Any]:
    """A page (``?reviews=``) of the film's listed reviews, the viewer's own left out (their editor shows it):
    by people they follow first, then the most liked, then the newest."""
    viewer = request.user
    rows = reviews_listed_for(viewer).filter(movie_id=movie.pk).annotate(friend=_friend_first(viewer))
    if isinstance(viewer, User):
        rows = rows.exclude(user_id=viewer.pk)
    rows = rows.order_by("-friend", "-like_count", "-created_at", "-id")
    page = Paginator(rows, REVIEWS_PER_PAGE).get_page(request.GET.get("reviews"))
    reviews = with_social(list(page.object_list), viewer)
    links = page_links(request, page, "reviews", reverse("web:film", args=[movie.pk]))
    return {"reviews_page": page, "reviews": reviews, "review_links": links}


def with_social(reviews: list[Review], viewer: Viewer) -> list[Review]:
    """The reviews, each with ``liked`` (by the viewer) and ``comment_preview`` (its first comments the viewer may
    see), from one query each for them all."""
    ids = [review.pk for review in reviews]
    liked: set[int] = set()
    previews: defaultdict[int, list[Comment]] = defaultdict(list)
    if ids and isinstance(viewer, User):
        likes = ReviewLike.objects.filter(user_id=viewer.pk, review_id__in=ids)
        liked = set(likes.values_list("review_id", flat=True))
    if ids:
        for comment in comment_previews(viewer, ids):
            previews[comment.review_id or 0].append(comment)
    for review in reviews:
        review.liked = review.pk in liked  # type: ignore[attr-defined]
        review.comment_preview = previews[review.pk]  # type: ignore[attr-defined]
    return reviews


def comment_previews(viewer: Viewer, review_ids: list[int]) -> list[Comment]:
    """The first COMMENT_PREVIEW comments on each review, oldest first, as comments_listed lists them."""
    place = Window(RowNumber(), partition_by=[F("review_id")], order_by=[F("created_at").asc(), F("id").asc()])
    rows = comments_listed(viewer, review_id__in=review_ids).annotate(place=place)
    return list(rows.filter(place__lte=COMMENT_PREVIEW))


def similar_reason(row: dict[str, Any], genre_ids: set[int]) -> str:
    """Why a neighbour is listed: the genres it shares with the film, else what the similarity reads (the story,
    the keywords, the cast and the director)."""
    shared = [genre["name"] for genre in row.get("genres", []) if genre["id"] in genre_ids][:2]
    return f"Also {' and '.join(shared)}" if shared else "Alike in story, cast or crew"


def similar_films(movie: Movie, viewer: Viewer) -> list[dict[str, Any]]:
    """The film's nearest neighbours (as /api/movies/{id}/similar/ lists them), each with the reason it is here."""
    user = viewer if isinstance(viewer, User) else None
    rows = similar_movies(movie_id=movie.pk, user=user, limit=SIMILAR) or []
    genre_ids = {genre["id"] for genre in movie.genre_summaries}
    return [{**row, "reason": similar_reason(row, genre_ids)} for row in rows]


def film_context(request: HttpRequest, movie: Movie, **forms: Any) -> dict[str, Any]:
    """Everything the film page shows; ``forms`` are bound forms to show again with their errors."""
    context: dict[str, Any] = {
        "film": movie,
        "genres": movie.genre_summaries,
        "runtime": runtime_text(movie.runtime),
        "cast": movie.cast[:CAST],
        "histogram": histogram(movie),
        "similar": similar_films(movie, request.user),
        "lists": list(lists_with_movie(movie.pk, request.user)[:LISTS]),
        **reviews_context(request, movie),
    }
    if isinstance(request.user, User):
        context.update(member_context(request.user, movie, **forms))
    return context
