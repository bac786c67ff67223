import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.tests.helpers import add_reviews
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

BASE = "/api/recommendations"

# Computing a list: one query ranks the movie ids (top-rated reads the catalogue mean first), then the summaries
# not yet in the worker's memory take two (the movies, then all their genres at once). A cached list costs nothing.
EXPECTED_QUERIES = {"top-rated": 4, "trending": 3, "most-reviewed": 3, "recent": 3}
# The dashboard's four lists share summaries: at most the four lists' queries, at least their rankings.
DASHBOARD_QUERIES = range(1 + 4, 4 + 3 * 3 + 1)


@pytest.fixture
def thirty_reviewed_movies():
    movies = MovieFactory.create_batch(30)
    for index, movie in enumerate(movies):
        add_reviews(movie, [1 + index % 5] * (1 + index % 3))
    return movies


@pytest.mark.parametrize("limit", [5, 25])
@pytest.mark.parametrize("endpoint", [*EXPECTED_QUERIES, "dashboard"])
def test_query_count_is_fixed_whatever_the_limit(
    api_client, thirty_reviewed_movies, django_assert_num_queries, endpoint, limit
):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(f"{BASE}/{endpoint}/", {"limit": limit})
    if endpoint == "dashboard":
        assert len(queries) in DASHBOARD_QUERIES
    else:
        assert len(queries) == EXPECTED_QUERIES[endpoint]

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
