"""Admin edits go through reviews.services, so the movie's aggregates stay exact."""

import pytest

from core.caching import current_generation
from movies.ratings import RATING_RULE
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reviews/review/"


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def numbers(movie) -> tuple[float, int]:
    movie.refresh_from_db()
    return movie.avg_rating, movie.review_count


def form_data(review: Review, **changes) -> dict:
    data = {
        "user": review.user_id,
        "movie": review.movie_id,
        "rating": review.rating,
        "body": review.body,
        "created_at_0": review.created_at.strftime("%Y-%m-%d"),
        "created_at_1": review.created_at.strftime("%H:%M:%S"),
    }
    return {**data, **changes}


def test_changelist_renders(staff_client, review):
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [review]


@pytest.mark.parametrize("query", ["solaris", "Kelvin", "haunting"])
def test_changelist_search_by_movie_title_username_and_body(staff_client, query):
    wanted = ReviewFactory(
        movie=MovieFactory(title="Solaris"), user=UserFactory(username="kelvin"), body="Haunting ocean."
    )
    ReviewFactory(movie=MovieFactory(title="Stalker"), user=UserFactory(username="writer"), body="The Zone.")

    response = staff_client.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]


def test_changelist_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    ReviewFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        assert staff_client.get(CHANGELIST).status_code == 200


def test_admin_delete_corrects_the_movie_aggregates(staff_client, movie, django_capture_on_commit_callbacks):
    doomed = ReviewFactory(movie=movie, rating=1)
    ReviewFactory(movie=movie, rating=5)
    assert numbers(movie) == (3, 2)
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{CHANGELIST}{doomed.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Review.objects.filter(pk=doomed.pk).exists()
    assert numbers(movie) == (5, 1)
    assert current_generation() == before + 1


def test_admin_bulk_delete_corrects_every_affected_movie(staff_client):
    first, second = MovieFactory.create_batch(2)
    doomed = [ReviewFactory(movie=first, rating=1), ReviewFactory(movie=second, rating=2)]
    ReviewFactory(movie=first, rating=4)

    response = staff_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [r.pk for r in doomed], "post": "yes"}
    )

    assert response.status_code == 302
    assert numbers(first) == (4, 1)
    assert numbers(second) == (0, 0)


def test_admin_edit_of_rating_corrects_the_movie(staff_client, movie):
    review = ReviewFactory(movie=movie, rating=2)
    ReviewFactory(movie=movie, rating=4)

    response = staff_client.post(f"{CHANGELIST}{review.pk}/change/", form_data(review, rating=5))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert numbers(movie) == (4.5, 2)


def test_admin_moving_a_review_to_another_movie_corrects_both(staff_client):
    old_movie, new_movie = MovieFactory.create_batch(2)
    review = ReviewFactory(movie=old_movie, rating=5)
    ReviewFactory(movie=old_movie, rating=1)

    response = staff_client.post(f"{CHANGELIST}{review.pk}/change/", form_data(review, movie=new_movie.pk))

    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).movie == new_movie
    assert numbers(old_movie) == (1, 1)
    assert numbers(new_movie) == (5, 1)


def test_admin_add_corrects_the_movie(staff_client, movie, user):
    data = {
        "user": user.pk,
        "movie": movie.pk,
        "rating": 3,
        "body": "",
        "created_at_0": "2024-05-01",
        "created_at_1": "10:00:00",
    }

    response = staff_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 302
    assert Review.objects.get().user == user
    assert numbers(movie) == (3, 1)


def test_admin_rejects_a_second_review_of_the_same_movie(staff_client, review):
    data = form_data(review, rating=1)

    response = staff_client.post(f"{CHANGELIST}add/", data)

    assert response.status_code == 200  # The form is shown again with the error.
    assert response.context["adminform"].form.errors
    assert Review.objects.count() == 1
    assert numbers(review.movie) == (4, 1)


@pytest.mark.parametrize("rating", [0, 6, 0.3, 4.25, 5.5])
def test_admin_rejects_ratings_off_the_half_star_scale(staff_client, review, rating):
    response = staff_client.post(f"{CHANGELIST}{review.pk}/change/", form_data(review, rating=rating))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rating"] == [RATING_RULE]
    assert Review.objects.get(pk=review.pk).rating == 4


def test_admin_edit_takes_half_stars_and_offers_them(staff_client, review):
    page = staff_client.get(f"{CHANGELIST}{review.pk}/change/").content.decode()
    assert 'step="0.5"' in page and 'min="0.5"' in page and 'max="5.0"' in page

    response = staff_client.post(f"{CHANGELIST}{review.pk}/change/", form_data(review, rating="3.5"))

    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).rating == 3.5
    assert numbers(review.movie) == (3.5, 1)
    assert str(Review.objects.get(pk=review.pk)).endswith(": 3.5/5")
