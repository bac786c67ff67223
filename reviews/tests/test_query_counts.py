import pytest

from conftest import authenticated_client
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 25])
def test_review_list_runs_two_queries_whatever_the_page_size(api_client, django_assert_num_queries, size):
    ReviewFactory.create_batch(size)  # A different user and movie for each review.

    with django_assert_num_queries(2):  # COUNT, then the page with user and movie joined.
        response = api_client.get("/api/reviews/", {"page_size": size})

    rows = response.json()["results"]
    assert len(rows) == size
    assert len({row["movie_title"] for row in rows}) == size
    assert len({row["user"] for row in rows}) == size


@pytest.mark.parametrize("size", [5, 25])
def test_filtered_review_list_runs_two_queries(api_client, django_assert_num_queries, size):
    reviews = ReviewFactory.create_batch(size, rating=5)

    with django_assert_num_queries(2):
        response = api_client.get(
            "/api/reviews/", {"page_size": size, "rating_min": 5, "search": "movie", "ordering": "rating"}
        )

    assert response.json()["count"] == len(reviews)


@pytest.mark.parametrize("size", [5, 25])
def test_authenticated_review_list_adds_the_user_and_block_lookups(django_assert_num_queries, size):
    client = authenticated_client(UserFactory())
    ReviewFactory.create_batch(size)

    with django_assert_num_queries(4):  # The user, whether they have blocks, COUNT, the page.
        response = client.get("/api/reviews/", {"page_size": size})

    assert len(response.json()["results"]) == size
