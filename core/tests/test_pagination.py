import pytest

from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movies():
    return MovieFactory.create_batch(7)


def test_page_size_sets_page_length_and_links(api_client, movies):
    body = api_client.get("/api/movies/", {"page_size": 3, "page": 2}).json()
    assert body["count"] == 7
    assert len(body["results"]) == 3
    assert "page=3" in body["next"]
    assert "page_size=3" in body["next"]
    assert body["previous"].endswith("page_size=3")


def test_last_page_has_no_next(api_client, movies):
    body = api_client.get("/api/movies/", {"page_size": 5, "page": 2}).json()
    assert len(body["results"]) == 2
    assert body["next"] is None


def test_pages_never_repeat_rows(api_client, movies):
    seen = []
    for page in (1, 2, 3):
        seen += [row["id"] for row in api_client.get("/api/movies/", {"page_size": 3, "page": page}).json()["results"]]
    assert sorted(seen) == sorted(movie.pk for movie in movies)


@pytest.mark.parametrize("page_size", ["0", "-1", "101", "abc", "1.5"])
def test_invalid_page_size_is_400(api_client, movies, page_size):
    response = api_client.get("/api/movies/", {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("page", ["0", "abc", "-3"])
def test_invalid_page_number_is_400(api_client, movies, page):
    response = api_client.get("/api/movies/", {"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["errors"]


def test_page_past_the_end_is_404_saying_how_many_pages(api_client, movies):
    response = api_client.get("/api/movies/", {"page": 10**9})
    assert response.status_code == 404
    assert "there are 1 pages" in response.json()["detail"]


def test_max_page_size_is_accepted(api_client, movies):
    assert api_client.get("/api/movies/", {"page_size": 100}).status_code == 200
