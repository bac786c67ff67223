"""The public review list's count comes from the films' maintained review counts less the hidden reviews, not from
counting every review row on every page; it is exact all the same. Filtered lists, and the lists of members with
blocks, count their rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import authenticated_client
from follows.services import block_create
from reviews import services
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

REVIEWS = "/api/reviews/"


@pytest.fixture
def reviews():
    movies = MovieFactory.create_batch(3)
    made = [ReviewFactory(movie=movies[index % 3]) for index in range(14)]
    services.review_hide(review=made[0])
    services.review_delete(review=made[1])
    return made


def counted_rows(queries) -> list[str]:
    """The statements that count the visible review rows (counting the few hidden ones is how it is done)."""
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and 'NOT "reviews_review"."hidden"' in q["sql"]]


def test_the_public_list_is_counted_exactly_without_counting_its_rows(api_client, reviews):
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(REVIEWS, {"page_size": 5, "ordering": "rating"}).json()

    assert body["count"] == Review.objects.filter(hidden=False).count() == 12
    assert len(body["results"]) == 5
    assert counted_rows(queries.captured_queries) == []


def test_a_filtered_list_counts_its_rows(api_client, reviews):
    movie = reviews[2].movie

    body = api_client.get(REVIEWS, {"movie": movie.pk}).json()

    assert body["count"] == Review.objects.filter(movie=movie, hidden=False).count()


def test_a_member_with_blocks_gets_the_count_of_what_they_see(reviews):
    viewer = UserFactory()
    block_create(blocker=viewer, blocked=reviews[5].user)

    body = authenticated_client(viewer).get(REVIEWS).json()

    assert body["count"] == 11 == len(body["results"])
