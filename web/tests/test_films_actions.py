"""A member's writes on a film's page: rating, likes and the watchlist, the diary, their review. Each works without
JavaScript (post, redirect, message) and with htmx (the changed controls swapped in place), under the API's rules:
visitors go to log in, a member writes only their own review, its author or an admin deletes it; CSRF is enforced."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activity.models import DiaryEntry, MovieLike, WatchlistEntry
from activity.selectors import user_today
from activity.services import movie_mark
from reviews.models import Review
from reviews.services import review_hide
from tests.factories import DEFAULT_PASSWORD, MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def movie():
    return MovieFactory(title="Heat")


@pytest.fixture
def member(client):
    user = UserFactory()
    client.force_login(user)
    return user


def film_url(movie, anchor: str = "") -> str:
    return reverse("web:film", args=[movie.pk]) + (f"#{anchor}" if anchor else "")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- visitors ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("web:film-rate", {"rating": "4"}),
        ("web:film-like", {"on": "1"}),
        ("web:film-watchlist", {"on": "1"}),
        ("web:film-log", {}),
        ("web:film-review", {"rating": "4", "body": "x"}),
    ],
)
def test_visitors_are_sent_to_log_in_and_nothing_changes(client, movie, name, data):
    response = client.post(reverse(name, args=[movie.pk]), data, HTTP_REFERER=f"http://testserver{film_url(movie)}")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next=%2Ffilms%2F{movie.pk}%2F"
    assert not Review.objects.exists() and not DiaryEntry.objects.exists()
    assert not WatchlistEntry.objects.exists() and not MovieLike.objects.exists()


def test_an_htmx_visitor_is_redirected_by_htmx(client, movie):
    response = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "4"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("web:login"))


def test_writes_answer_posts_only(client, member, movie):
    assert client.get(reverse("web:film-rate", args=[movie.pk])).status_code == 405


def test_a_write_on_an_unknown_film_is_a_404(client, member):
    assert client.post(reverse("web:film-rate", args=[999_999]), {"rating": "4"}).status_code == 404


# --- rating --------------------------------------------------------------------------------------------------------


def test_rating_without_javascript_saves_and_redirects_back_with_a_message(client, member, movie):
    response = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "4.5"})

    assert response.status_code == 302
    assert response["Location"] == film_url(movie, "film-rating")
    assert Review.objects.get(user=member, movie=movie).rating == 4.5
    assert messages_of(response) == ["You rated Heat 4.5 stars."]
    movie.refresh_from_db()
    assert movie.avg_rating == 4.5 and movie.review_count == 1


def test_rating_with_htmx_swaps_the_changed_controls_in_place(client, member, movie):
    response = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "1"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="film-rating" class="film-rating" hx-swap-oob="true">' in html
    assert '<div id="film-marks" class="film-marks" hx-swap-oob="true">' in html
    assert 'value="1" id="rate-1" checked' in html
    assert '<p id="live-status" hx-swap-oob="innerHTML">You rated Heat 1 star.</p>' in html
    assert "<html" not in html
    assert not messages_of(response)


def test_rerating_keeps_the_reviews_text(client, member, movie):
    ReviewFactory(user=member, movie=movie, rating=2, body="Kept words")

    client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "3.5"})

    review = Review.objects.get(user=member, movie=movie)
    assert (review.rating, review.body) == (3.5, "Kept words")


@pytest.mark.parametrize("rating", ["4.25", "0", "6", "abc", ""])
def test_a_rating_off_the_scale_is_refused(client, member, movie, rating):
    response = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": rating})

    assert response.status_code == 400
    assert not Review.objects.exists()
    assert response.context["rating_form"].errors
    partial = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": rating}, **HTMX)
    assert partial.status_code == 200 and 'role="alert"' in partial.content.decode()


def test_clearing_the_rating_deletes_the_review(client, member, movie):
    ReviewFactory(user=member, movie=movie, rating=2, body="Words")

    response = client.post(reverse("web:film-rate", args=[movie.pk]), {"clear": "1"}, **HTMX)

    assert not Review.objects.filter(user=member).exists()
    html = response.content.decode()
    assert "Not rated yet." in html
    assert '<div id="film-review" class="review-editor card" hx-swap-oob="true">' in html
    movie.refresh_from_db()
    assert movie.review_count == 0


def test_the_clear_button_asks_first_when_the_review_has_text(client, member, movie):
    ReviewFactory(user=member, movie=movie, rating=2, body="Words")

    html = client.get(film_url(movie)).content.decode()

    assert 'data-confirm="Clearing your rating deletes your review of Heat too. Clear it?"' in html


# --- likes and the watchlist ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "model"), [("web:film-like", MovieLike), ("web:film-watchlist", WatchlistEntry)])
def test_toggles_post_the_state_they_ask_for(client, member, movie, name, model):
    path = reverse(name, args=[movie.pk])

    client.post(path, {"on": "1"})
    client.post(path, {"on": "1"})
    assert model.objects.filter(user=member, movie=movie).count() == 1
    response = client.post(path, {"on": "0"}, **HTMX)

    assert not model.objects.filter(user=member).exists()
    html = response.content.decode()
    assert 'aria-pressed="false"' in html and 'name="on" value="1"' in html
    assert 'id="live-status" hx-swap-oob="innerHTML"' in html


def test_the_films_ratings_follow_a_rating_in_place(client, member, movie, django_assert_max_num_queries):
    ReviewFactory(movie=movie, rating=2)

    with django_assert_max_num_queries(19):  # the write (savepoints included), then each part drawn once
        response = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "4"}, **HTMX)

    html = response.content.decode()
    assert '<section id="film-ratings" class="film-ratings" aria-labelledby="ratings-title" hx-swap-oob="true">' in html
    assert "<strong>3.0</strong>" in html and "average of 2 ratings" in html
    assert "4 stars: 1 rating<" in html and "2 stars: 1 rating<" in html
    response = client.post(reverse("web:film-like", args=[movie.pk]), {"on": "1"}, **HTMX)
    assert "average of 2 ratings · 1 like<" in response.content.decode()


def test_liking_keeps_the_films_like_count(client, member, movie):
    client.post(reverse("web:film-like", args=[movie.pk]), {"on": "1"})

    movie.refresh_from_db()
    assert movie.like_count == 1
    assert 'id="film-like-button" class="toggle" aria-pressed="true"' in client.get(film_url(movie)).content.decode()


# --- the diary -----------------------------------------------------------------------------------------------------


def test_logging_a_viewing_defaults_to_today_in_the_members_time_zone(client, movie):
    member = UserFactory(time_zone="Pacific/Kiritimati")
    client.force_login(member)

    response = client.post(reverse("web:film-log", args=[movie.pk]), {})

    entry = DiaryEntry.objects.get(user=member)
    assert entry.watched_on == user_today(member)
    assert not entry.rewatch and entry.rating is None and entry.review is None
    assert response["Location"] == film_url(movie, "film-log")


def test_logging_a_rewatch_with_a_rating_rates_the_film(client, member, movie):
    response = client.post(
        reverse("web:film-log", args=[movie.pk]),
        {"watched_on": "2024-02-29", "rewatch": "true", "rating": "3.5"},
        **HTMX,
    )

    entry = DiaryEntry.objects.get(user=member)
    assert (entry.watched_on, entry.rewatch, entry.rating) == (datetime.date(2024, 2, 29), True, 3.5)
    assert Review.objects.get(user=member, movie=movie).rating == 3.5
    html = response.content.decode()
    assert "Logged Heat on 29 February 2024." in html
    assert 'value="3.5" id="rate-3-5" checked' in html


def test_a_viewing_later_than_tomorrow_is_refused(client, member, movie):
    later = user_today(member) + datetime.timedelta(days=2)

    response = client.post(reverse("web:film-log", args=[movie.pk]), {"watched_on": later.isoformat()})

    assert response.status_code == 400
    assert "A viewing cannot be logged later than tomorrow." in response.content.decode()
    assert not DiaryEntry.objects.exists()


# --- the member's review -------------------------------------------------------------------------------------------


def test_a_new_review_needs_a_rating(client, member, movie):
    response = client.post(reverse("web:film-review", args=[movie.pk]), {"body": "Words first"})

    assert response.status_code == 400
    assert response.context["review_form"].errors["rating"]
    assert ">Words first</textarea>" in response.content.decode()
    assert not Review.objects.exists()


def test_writing_a_review_with_a_rating(client, member, movie):
    response = client.post(reverse("web:film-review", args=[movie.pk]), {"rating": "4", "body": "  Tense.  "})

    review = Review.objects.get(user=member, movie=movie)
    assert (review.rating, review.body) == (4, "Tense.")
    assert messages_of(response) == ["Your review of Heat is posted."]


def test_editing_the_text_keeps_the_rating_and_a_blank_text_clears_it(client, member, movie):
    ReviewFactory(user=member, movie=movie, rating=2.5, body="Before")

    response = client.post(reverse("web:film-review", args=[movie.pk]), {"body": "After"}, **HTMX)
    review = Review.objects.get(user=member)
    assert (review.rating, review.body) == (2.5, "After")
    assert "Your review is saved." in response.content.decode()

    client.post(reverse("web:film-review", args=[movie.pk]), {"body": ""})
    assert Review.objects.get(user=member).body == ""


def test_a_review_longer_than_the_api_allows_is_refused_and_the_text_kept(client, member, movie):
    ReviewFactory(user=member, movie=movie, rating=2.5, body="Before")

    response = client.post(reverse("web:film-review", args=[movie.pk]), {"body": "x" * 10_001})

    assert response.status_code == 400
    assert response.context["review_form"].errors["body"]
    assert Review.objects.get(user=member).body == "Before"


def test_another_member_cannot_write_someone_elses_review(client, movie):
    author = UserFactory()
    ReviewFactory(user=author, movie=movie, rating=5, body="The author's")
    client.force_login(UserFactory())

    client.post(reverse("web:film-review", args=[movie.pk]), {"rating": "1", "body": "Someone else's"})

    assert Review.objects.get(user=author).body == "The author's"  # they wrote their own review instead
    assert Review.objects.filter(movie=movie).count() == 2


# --- deleting a review: anonymous, the author, another member, an admin --------------------------------------------


def delete(client, review, **extra):
    return client.post(reverse("web:review-delete", args=[review.pk]), **extra)


def test_a_visitor_is_sent_to_log_in_to_delete(client, movie):
    review = ReviewFactory(movie=movie)

    assert delete(client, review)["Location"].startswith(reverse("web:login"))
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_author_deletes_their_review(client, member, movie):
    review = ReviewFactory(user=member, movie=movie)

    response = delete(client, review, **HTMX)

    assert not Review.objects.filter(pk=review.pk).exists()
    html = response.content.decode()
    assert "Your review is deleted." in html and "Not rated yet." in html
    movie.refresh_from_db()
    assert movie.review_count == 0


def test_the_author_deletes_their_hidden_review(client, member, movie):
    review = ReviewFactory(user=member, movie=movie)
    review_hide(review=review)

    assert delete(client, review).status_code == 302
    assert not Review.objects.filter(pk=review.pk).exists()


def test_another_member_cannot_delete_someone_elses_review(client, member, movie):
    review = ReviewFactory(movie=movie)

    assert delete(client, review).status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_hidden_review_is_a_404_to_another_member(client, member, movie):
    review = ReviewFactory(movie=movie)
    review_hide(review=review)

    assert delete(client, review).status_code == 404


def test_an_admin_deletes_someone_elses_review_and_it_leaves_the_list(client, movie):
    review = ReviewFactory(movie=movie)
    client.force_login(UserFactory(is_staff=True))

    assert "Delete (admin)" in client.get(film_url(movie)).content.decode()
    response = delete(client, review, **HTMX)

    assert not Review.objects.filter(pk=review.pk).exists()
    assert f'<li id="review-{review.pk}" hx-swap-oob="delete"></li>' in response.content.decode()


def test_an_admin_cannot_edit_someone_elses_review(client, movie):
    review = ReviewFactory(movie=movie, rating=5, body="Original")
    admin = UserFactory(is_staff=True)
    client.force_login(admin)

    client.post(reverse("web:film-review", args=[movie.pk]), {"rating": "1", "body": "Admin's words"})

    review.refresh_from_db()
    assert (review.rating, review.body) == (5, "Original")


# --- the keyboard focus after an in-place write -----------------------------------------------------------------
# htmx keeps the focus on the control used when the swapped-in part has an element with its id; where that control
# is gone, the part marks what takes the focus instead (data-autofocus, which the site's script focuses).


def test_a_logged_viewing_closes_the_form_and_its_summary_takes_the_focus(client, member, movie):
    response = client.post(reverse("web:film-log", args=[movie.pk]), {"watched_on": "2024-02-29"}, **HTMX)

    html = response.content.decode()
    assert "<summary data-autofocus>Log a viewing</summary>" in html
    assert html.count("data-autofocus") == 1


def test_a_deleted_review_leaves_the_focus_on_the_editors_heading(client, member, movie):
    review = ReviewFactory(user=member, movie=movie)

    html = delete(client, review, **HTMX).content.decode()

    assert '<h3 tabindex="-1" data-autofocus>Your review</h3>' in html
    assert html.count("data-autofocus") == 1


def test_a_cleared_rating_leaves_the_focus_on_the_line_that_says_so(client, member, movie):
    ReviewFactory(user=member, movie=movie, rating=2, body="")

    html = client.post(reverse("web:film-rate", args=[movie.pk]), {"clear": "1"}, **HTMX).content.decode()

    assert '<p class="rating-now muted" tabindex="-1" data-autofocus>Not rated yet.</p>' in html
    assert html.count("data-autofocus") == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [("web:film-rate", {"rating": "4"}), ("web:film-watchlist", {"on": "1"}), ("web:film-review", {"rating": "4"})],
)
def test_writes_whose_control_stays_move_no_focus(client, member, movie, name, data):
    html = client.post(reverse(name, args=[movie.pk]), data, **HTMX).content.decode()

    assert "live-status" in html and "data-autofocus" not in html


def test_the_full_page_moves_no_focus(client, member, movie):
    ReviewFactory(user=member, movie=movie)

    assert "data-autofocus" not in client.get(film_url(movie)).content.decode()


# --- CSRF ----------------------------------------------------------------------------------------------------------


def test_a_form_posted_without_its_csrf_token_is_refused(movie):
    member = UserFactory()
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=member.username, password=DEFAULT_PASSWORD)

    refused = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "4"})
    assert refused.status_code == 403
    assert not Review.objects.exists()

    page = client.get(film_url(movie))
    token = str(page.context["csrf_token"])
    assert f'name="csrfmiddlewaretoken" value="{token}"' in page.content.decode()
    accepted = client.post(reverse("web:film-rate", args=[movie.pk]), {"rating": "4", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    htmx = client.post(reverse("web:film-like", args=[movie.pk]), {"on": "1"}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert htmx.status_code == 200
    assert Review.objects.filter(user=member).exists() and MovieLike.objects.filter(user=member).exists()


def test_every_form_on_the_film_page_carries_the_csrf_token(client, member, movie):
    ReviewFactory(user=member, movie=movie)
    ReviewFactory(movie=movie)
    movie_mark(model=WatchlistEntry, user=member, movie=movie)

    html = client.get(film_url(movie)).content.decode()

    posts = html.count('method="post"')
    assert posts >= 8
    assert html.count('name="csrfmiddlewaretoken"') == posts
