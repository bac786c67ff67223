"""Liking others' reviews and commenting on them from a film's page, under the API's rules: not your own review, not
across a block, not a review you may not see; comments throttled as the API's are."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_create
from core.throttling import CommentRateThrottle
from follows.services import block_create
from reviews.models import ReviewLike
from reviews.services import review_hide
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def review():
    return ReviewFactory(body="A review worth liking")


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


def like(client, review, on: str = "1", **extra):
    return client.post(reverse("web:review-like", args=[review.pk]), {"on": on}, **extra)


def comments_url(review) -> str:
    return reverse("web:review-comments", args=[review.pk])


def anchor(review) -> str:
    return reverse("web:film", args=[review.movie_id]) + f"#review-{review.pk}"


# --- likes ---------------------------------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in_to_like(client, review):
    assert like(client, review)["Location"].startswith(reverse("web:login"))
    assert not ReviewLike.objects.exists()


def test_a_member_likes_and_unlikes_a_review_without_javascript(client, member, review):
    response = like(client, review)

    assert response.status_code == 302 and response["Location"] == anchor(review)
    review.refresh_from_db()
    assert review.like_count == 1
    like(client, review, "0")
    review.refresh_from_db()
    assert review.like_count == 0 and not ReviewLike.objects.exists()


def test_with_htmx_the_like_button_is_swapped_in_place(client, member, review):
    response = like(client, review, **HTMX)

    html = response.content.decode().strip()
    assert html.startswith(f'<div id="review-like-{review.pk}" class="review-like">')
    assert 'aria-pressed="true"' in html and "1 like<" in html
    assert 'id="live-status" hx-swap-oob="innerHTML">Liked.' in html


def test_a_member_cannot_like_their_own_review(client, review):
    client.force_login(review.user)

    response = like(client, review)

    assert [str(message) for message in get_messages(response.wsgi_request)] == ["You cannot like your own review."]
    assert not ReviewLike.objects.exists()
    assert "You cannot like your own review." in like(client, review, **HTMX).content.decode()


def test_liking_across_a_block_is_refused(client, member, review):
    block_create(blocker=review.user, blocked=member)

    assert like(client, review).status_code == 403
    assert not ReviewLike.objects.exists()


def test_a_hidden_review_cannot_be_liked(client, member, review):
    review_hide(review=review)

    assert like(client, review).status_code == 404


# --- comments ------------------------------------------------------------------------------------------------------


def test_a_visitor_reads_comments_but_is_sent_to_log_in_to_comment(client, review):
    comment_create(author=UserFactory(), body="First!", review=review)

    assert "First!" in client.get(comments_url(review)).content.decode()
    response = client.post(comments_url(review), {"body": "Hello"})
    assert response["Location"].startswith(reverse("web:login"))
    assert Comment.objects.count() == 1


def test_a_member_comments_without_javascript(client, member, review):
    response = client.post(comments_url(review), {"body": "  Well put.  "})

    assert response.status_code == 302 and response["Location"] == anchor(review)
    comment = Comment.objects.get()
    assert (comment.author, comment.review, comment.body) == (member, review, "Well put.")
    review.refresh_from_db()
    assert review.comment_count == 1


def test_with_htmx_the_comments_are_swapped_in_place(client, member, review):
    response = client.post(comments_url(review), {"body": "Agreed"}, **HTMX)

    html = response.content.decode().strip()
    assert html.startswith(f'<div id="comments-{review.pk}" class="comments">')
    assert "Agreed" in html
    assert "Your comment is posted." in html


def test_an_empty_comment_is_refused(client, member, review):
    response = client.post(comments_url(review), {"body": "   "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_commenting_across_a_block_is_refused(client, member, review):
    block_create(blocker=member, blocked=review.user)

    assert client.post(comments_url(review), {"body": "Hi"}).status_code == 403
    assert not Comment.objects.exists()


def test_comments_are_throttled_as_the_apis_are(client, member, review, settings):
    rest_framework = settings.REST_FRAMEWORK
    rates = {**rest_framework["DEFAULT_THROTTLE_RATES"], "comments": "2/minute"}
    settings.REST_FRAMEWORK = {**rest_framework, "DEFAULT_THROTTLE_RATES": rates}
    assert CommentRateThrottle().rate == "2/minute"
    for number in range(2):
        assert client.post(comments_url(review), {"body": f"Comment {number}"}).status_code == 302

    response = client.post(comments_url(review), {"body": "One too many"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "You are commenting too fast" in response.content.decode()
    assert Comment.objects.count() == 2


def test_the_comments_page_lists_every_comment_escaped(client, review):
    for number in range(5):
        comment_create(author=UserFactory(), body=f"<b>comment {number}</b>", review=review)

    html = client.get(comments_url(review)).content.decode()

    assert html.count('class="comment"') == 5
    assert "<b>comment" not in html and "&lt;b&gt;comment 4&lt;/b&gt;" in html
    assert "Show all" not in html


def test_show_all_with_htmx_gets_the_comments_region_only(client, review):
    for number in range(5):
        comment_create(author=UserFactory(), body=f"comment {number}", review=review)

    response = client.get(comments_url(review), HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"comments-{review.pk}")

    html = response.content.decode()
    assert "<html" not in html and html.count('class="comment"') == 5


def test_comments_from_across_a_block_are_left_out(client, member, review):
    blocked = UserFactory()
    comment_create(author=blocked, body="From the other side", review=review)
    block_create(blocker=member, blocked=blocked)

    assert "From the other side" not in client.get(comments_url(review)).content.decode()


def test_the_comments_of_a_hidden_review_are_a_404_to_others(client, member, review):
    review_hide(review=review)

    assert client.get(comments_url(review)).status_code == 404
    assert client.post(comments_url(review), {"body": "Hi"}).status_code == 404
    client.force_login(review.user)
    assert client.get(comments_url(review)).status_code == 200
