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


@pytest.mark.parametrize("query", [{}, {"unrelated": "x"}])
def test_without_a_limit_lists_hold_ten(api_client, thirty_reviewed_movies, query):
    response = api_client.get(f"{BASE}/top-rated/", query)
    assert response.status_code == 200
    assert len(response.json()) == 10


def test_a_limit_given_is_still_validated(api_client, thirty_reviewed_movies):
    assert api_client.get(f"{BASE}/top-rated/", {"limit": "abc"}).status_code == 400
    assert api_client.get(f"{BASE}/most-reviewed/", {"limit": 3, "unrelated": "x"}).json().__len__() == 3
