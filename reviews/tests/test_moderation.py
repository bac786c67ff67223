"""Hiding reviews from the Django admin: a hidden review leaves every public read (its author and admins still open
it by id), and its rating still counts in the movie's average."""

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from core.caching import current_generation
from reviews import services
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reviews/review/"


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def hidden_ids() -> set[int]:
    return set(Review.objects.filter(hidden=True).values_list("pk", flat=True))


def test_hide_and_unhide_actions(staff_client, django_capture_on_commit_callbacks):
    first, second, kept = ReviewFactory.create_batch(3)
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(CHANGELIST, {"action": "hide", "_selected_action": [first.pk, second.pk]})

    assert response.status_code == 302
    assert hidden_ids() == {first.pk, second.pk}
    assert current_generation() > before

    response = staff_client.post(CHANGELIST, {"action": "unhide", "_selected_action": [second.pk, kept.pk]})

    assert response.status_code == 302
    assert hidden_ids() == {first.pk}


def test_hiding_keeps_the_review_as_written_and_its_rating_in_the_average(staff_client):
    movie = MovieFactory()
    hidden = ReviewFactory(movie=movie, rating=1, body="Rude words.")
    ReviewFactory(movie=movie, rating=5)
    updated_at = hidden.updated_at

    staff_client.post(CHANGELIST, {"action": "hide", "_selected_action": [hidden.pk]})

    hidden.refresh_from_db()
    movie.refresh_from_db()
    assert (hidden.hidden, hidden.body, hidden.rating, hidden.updated_at) == (True, "Rude words.", 1, updated_at)
    assert (movie.avg_rating, movie.review_count) == (3, 2)
    assert MovieFactory._meta.model.objects.get(pk=movie.pk).rating_distribution["1"] == 1


def test_the_change_form_cannot_unhide(staff_client):
    review = ReviewFactory(rating=3)
    services.review_hide(review=review)
    data = {
        "user": review.user_id,
        "movie": review.movie_id,
        "rating": 2,
        "body": review.body,
        "created_at_0": review.created_at.strftime("%Y-%m-%d"),
        "created_at_1": review.created_at.strftime("%H:%M:%S"),
    }

    response = staff_client.post(f"{CHANGELIST}{review.pk}/change/", data)

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.rating, review.hidden) == (2, True)


def test_the_changelist_filters_on_hidden(staff_client):
    hidden, _ = ReviewFactory.create_batch(2)
    services.review_hide(review=hidden)

    response = staff_client.get(CHANGELIST, {"hidden__exact": "1"})

    assert list(response.context["cl"].result_list) == [hidden]


def test_hide_and_unhide_report_whether_anything_changed():
    review = ReviewFactory()
    assert services.review_hide(review=review) is True
    assert services.review_hide(review=review) is False
    assert services.review_unhide(review=review) is True
    assert services.review_unhide(review=review) is False
    assert review.hidden is False


@pytest.fixture
def moderated():
    """The author's hidden review and another member's visible one, on one movie."""
    author = UserFactory()
    movie = MovieFactory()
    hidden = ReviewFactory(user=author, movie=movie)
    shown = ReviewFactory(movie=movie)
    services.review_hide(review=hidden)
    return author, movie, hidden, shown


@pytest.mark.parametrize("who", ["anonymous", "author", "other", "admin"])
def test_hidden_reviews_leave_every_list(moderated, who, admin_user):
    author, movie, _, shown = moderated
    client = _client(who, author, admin_user)

    assert ids(client.get("/api/reviews/")) == [shown.pk]
    assert ids(client.get(f"/api/movies/{movie.pk}/reviews/")) == [shown.pk]
    assert ids(client.get("/api/reviews/", {"user": author.username})) == []


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("author", 200), ("other", 404), ("admin", 200)])
def test_a_hidden_review_by_id_is_a_404_to_all_but_its_author_and_admins(moderated, who, status, admin_user):
    author, _, hidden, _ = moderated
    client = _client(who, author, admin_user)

    response = client.get(f"/api/reviews/{hidden.pk}/")

    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "not_found"
    else:
        assert response.json()["id"] == hidden.pk


def test_a_hidden_review_cannot_be_liked_or_edited_by_others(moderated):
    author, _, hidden, _ = moderated
    other = authenticated_client(UserFactory())

    assert other.put(f"/api/reviews/{hidden.pk}/like/").status_code == 404
    assert other.patch(f"/api/reviews/{hidden.pk}/", {"rating": 1}, format="json").status_code == 404
    assert Review.objects.get(pk=hidden.pk).like_count == 0
    # Its author may still edit (or delete) it.
    assert (
        authenticated_client(author).patch(f"/api/reviews/{hidden.pk}/", {"rating": 1}, format="json").json()["rating"]
        == 1
    )


def _client(who, author, admin_user):
    return {
        "anonymous": APIClient,
        "author": lambda: authenticated_client(author),
        "other": lambda: authenticated_client(UserFactory()),
        "admin": lambda: authenticated_client(admin_user),
    }[who]()
