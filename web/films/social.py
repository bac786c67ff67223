"""Others' reviews of a film: like one (not your own, not across a block) and comment on it (throttled as the API's
comments are). A review the viewer may not see is a 404 here as in the API (reviews.selectors.review_visible)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import APIException, Throttled, ValidationError

from comments.selectors import comments_listed
from comments.services import comment_create
from core.throttling import CommentRateThrottle, SocialWriteRateThrottle, ensure_within_rate
from follows.selectors import Blocked
from reviews.models import Review
from reviews.selectors import review_count_now, review_visible
from reviews.services import review_like, review_unlike
from web.films.browse import page_links
from web.films.forms import CommentForm
from web.films.page import with_social
from web.films.responses import is_htmx, live_status, member, member_required, safe_next

COMMENTS_PER_PAGE = 50


def review_anchor(review: Review) -> str:
    return reverse("web:film", args=[review.movie_id]) + f"#review-{review.pk}"


def first_error(exc: APIException) -> str:
    detail: Any = exc.detail
    while isinstance(detail, dict | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def _like_changed(request: HttpRequest, review: Review, on: bool) -> str:
    """Like or unlike; the error to show, if the service refused (your own review) or the member likes too fast.
    Across a block: a 403."""
    user = member(request)
    try:
        ensure_within_rate(request, SocialWriteRateThrottle)
        if on:
            review_like(user=user, review=review)
        else:
            review_unlike(user=user, review=review)
    except Blocked as exc:
        raise PermissionDenied(str(exc.detail)) from exc
    except (ValidationError, Throttled) as exc:
        return first_error(exc)
    return ""


@require_POST
@member_required
def review_like_toggle(request: HttpRequest, review_id: int) -> HttpResponse:
    """Like (``on=1``) or unlike (``on=0``) someone else's review."""
    user = member(request)
    review = review_visible(review_id, user)
    on = request.POST.get("on") == "1"
    error = _like_changed(request, review, on)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "You like this review." if on else "You no longer like this review.")
        return redirect(safe_next(request, review_anchor(review)))
    review.like_count = review_count_now(review.pk, "like_count")
    review.liked = on and not error  # type: ignore[attr-defined]
    html = render_to_string("web/films/_review_like.html", {"review": review, "like_error": error}, request=request)
    return HttpResponse(html + live_status(error or ("Liked." if on else "Like taken back.")))


@require_http_methods(["GET", "HEAD", "POST"])
def review_comments(request: HttpRequest, review_id: int) -> HttpResponse:
    """GET: the review's comments (the whole page, or with htmx the comments region); POST: add a comment."""
    review = review_visible(review_id, request.user)
    if request.method == "POST":
        return member_required(comment_post)(request, review)
    return comments_answer(request, review)


def comments_answer(
    request: HttpRequest, review: Review, form: CommentForm | None = None, status: int = 200, message: str = ""
) -> HttpResponse:
    comments = comments_listed(request.user, review=review)
    if is_htmx(request):
        context = {"review": review, "comments": list(comments[:COMMENTS_PER_PAGE]), "comment_form": form}
        context["all_shown"] = True
        html = render_to_string("web/films/_comments.html", context, request=request)
        return HttpResponse(html + (live_status(message) if message else ""))
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    with_social([review], request.user)
    context = {"review": review, "comments": page.object_list, "comment_links": page_links(request, page)}
    context["comment_form"] = form
    context.update(all_shown=True, back=reverse("web:review-comments", args=[review.pk]))
    return render(request, "web/films/review_comments.html", context, status=status)


def comment_post(request: HttpRequest, review: Review) -> HttpResponse:
    """Comment on the review, as POST /api/reviews/{id}/comments/ does (throttled, refused across a block)."""
    throttle = CommentRateThrottle()
    if not throttle.allow_request(request, None):
        wait = int(throttle.wait() or 60) + 1
        form = CommentForm(request.POST)
        form.add_error(None, f"You are commenting too fast: wait {wait} seconds.")
        response = comments_answer(request, review, form, 200 if is_htmx(request) else 429, "Not posted.")
        response["Retry-After"] = str(wait)
        return response
    form = CommentForm(request.POST)
    if not form.is_valid():
        return comments_answer(request, review, form, 400, "Not posted: please check the comment.")
    try:
        comment_create(author=member(request), body=form.validated["body"], review=review)
    except Blocked as exc:
        raise PermissionDenied(str(exc.detail)) from exc
    if not is_htmx(request):
        messages.success(request, "Your comment is posted.")
        return redirect(safe_next(request, review_anchor(review)))
    review.comment_count = review_count_now(review.pk, "comment_count")
    return comments_answer(request, review, message="Your comment is posted.")
