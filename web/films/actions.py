"""A member's writes on a film: rate, clear the rating, like, watchlist, log a viewing, write or delete a review.

Each calls the service the API calls, under the API's rules: only the member's own review is written here; its author
or an admin deletes a review (reviews.permissions.IsAuthorOrAdminCanDelete)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from rest_framework.exceptions import Throttled

from activity.models import MovieLike, MovieMark, WatchlistEntry
from activity.services import diary_entry_create, movie_mark, movie_unmark
from core.throttling import SocialWriteRateThrottle, ensure_within_rate
from movies.ratings import rating_key
from reviews.selectors import review_visible
from reviews.services import review_delete, review_rating_save
from web.films.forms import LogForm, RatingForm, ReviewForm
from web.films.page import film_summary_or_404, own_review
from web.films.responses import film_done, film_invalid, member, member_required

# kind: (the mark's model, what putting it on says, what taking it off says, whether it is a social write)
MARKS: dict[str, tuple[type[MovieMark], str, str, bool]] = {
    "like": (MovieLike, "You like {title}.", "You no longer like {title}.", True),
    "watchlist": (WatchlistEntry, "{title} is on your watchlist.", "{title} is off your watchlist.", False),
}
CHANGED_BY_RATING = ["film-rating", "film-marks", "film-ratings"]


def stars(value: float) -> str:
    key = rating_key(value)
    return f"{key} star" if key == "1" else f"{key} stars"


@require_POST
@member_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate the film (creating the review, or changing its rating only), or clear the rating (``clear``): a rating
    is the review's, so clearing it deletes the review."""
    movie, user = film_summary_or_404(pk), member(request)
    if request.POST.get("clear"):
        review = own_review(user, movie)
        if review is not None:
            review_delete(review=review)
        message = f"Your rating of {movie.title} is cleared."
        return film_done(request, movie, [*CHANGED_BY_RATING, "film-review"], message, focus="film-rating")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return film_invalid(request, movie, "film-rating", rating_form=form)
    rating = form.validated["rating"]
    review_rating_save(user=user, movie=movie, rating=rating)
    return film_done(request, movie, CHANGED_BY_RATING, f"You rated {movie.title} {stars(rating)}.")


@require_POST
@member_required
def mark(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Put a like or a watchlist entry on (``on=1``) or take it off (``on=0``): posting a state, not a flip, so a
    repeated post changes nothing. Likes count against the API's limit on likes and follows (THROTTLE_SOCIAL)."""
    model, put_on, taken_off, social = MARKS[kind]
    movie, user = film_summary_or_404(pk), member(request)
    if social:
        try:
            ensure_within_rate(request, SocialWriteRateThrottle)
        except Throttled as exc:
            return film_done(request, movie, ["film-marks"], str(exc.detail), error=True)
    if request.POST.get("on") == "1":
        movie_mark(model=model, user=user, movie=movie)
        message = put_on
    else:
        movie_unmark(model=model, user=user, movie=movie)
        message = taken_off
    return film_done(request, movie, ["film-marks", "film-ratings"], message.format(title=movie.title))


@require_POST
@member_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a viewing in the diary; a rating given with it becomes the review's rating."""
    movie = film_summary_or_404(pk)
    form = LogForm(request.POST, serializer_context={"request": request})
    if not form.is_valid():
        return film_invalid(request, movie, "film-log", log_form=form)
    entry = diary_entry_create(user=member(request), movie=movie, **form.validated)
    message = f"Logged {movie.title} on {date_format(entry.watched_on, 'j F Y')}."
    return film_done(request, movie, ["film-log", *CHANGED_BY_RATING], message, focus="film-log")


@require_POST
@member_required
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change the member's own review. Without a rating in the form, the review keeps its rating; a new
    review needs one (as the API's)."""
    movie, user = film_summary_or_404(pk), member(request)
    current = own_review(user, movie)
    data = request.POST.copy()
    if not data.get("rating") and current is not None:
        data["rating"] = rating_key(current.rating)
    form = ReviewForm(data)
    if not form.is_valid():
        return film_invalid(request, movie, "film-review", review_form=form)
    body = form.validated.get("body", "")
    review_rating_save(user=user, movie=movie, rating=form.validated["rating"], body=body)
    message = "Your review is saved." if current is not None else f"Your review of {movie.title} is posted."
    return film_done(request, movie, ["film-review", *CHANGED_BY_RATING], message)


@require_POST
@member_required
def review_remove(request: HttpRequest, review_id: int) -> HttpResponse:
    """Delete a review: its author, or an admin (anyone else: 403; a review they cannot see: 404)."""
    user = member(request)
    review = review_visible(review_id, user)
    if review.user_id != user.pk and not user.is_staff:
        raise PermissionDenied("Only its author or an admin deletes a review.")
    movie = film_summary_or_404(review.movie_id)
    review_delete(review=review)
    if review.user_id == user.pk:
        parts = ["film-review", *CHANGED_BY_RATING]
        return film_done(request, movie, parts, "Your review is deleted.", focus="film-review")
    gone = format_html('<li id="review-{}" hx-swap-oob="delete"></li>', review_id)
    return film_done(request, movie, ["film-ratings"], f"{review.user.username}'s review is deleted.", gone)
