import pytest

from recommendations.tests.helpers import add_reviews
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

BASE = "/api/recommendations"

# Computing a list: top-rated reads the catalogue mean, then the movies; trending counts recent reviews per
# movie, then loads those movies; the other two are one query. A cached list costs nothing.
# Each list adds one query that fetches the genres of all its movies at once.
EXPECTED_QUERIES = {"top-rated": 3, "trending": 3, "most-reviewed": 2, "recent": 2, "dashboard": 10}


@pytest.fixture
def thirty_reviewed_movies():
    movies = MovieFactory.create_batch(30)
    for index, movie in enumerate(movies):
        add_reviews(movie, [1 + index % 5] * (1 + index % 3))
    return movies


@pytest.mark.parametrize("limit", [5, 25])
@pytest.mark.parametrize("endpoint", list(EXPECTED_QUERIES))
def test_query_count_is_fixed_whatever_the_limit(
    api_client, thirty_reviewed_movies, django_assert_num_queries, endpoint, limit
):
    with django_assert_num_queries(EXPECTED_QUERIES[endpoint]):
        response = api_client.get(f"{BASE}/{endpoint}/", {"limit": limit})

    body = response.json()
    lists = body.values() if endpoint == "dashboard" else [body]
    assert all(len(rows) == limit for rows in lists)

    with django_assert_num_queries(0):
        assert api_client.get(f"{BASE}/{endpoint}/", {"limit": limit}).json() == body
