"""Whole-response caching of public reads, and that every kind of write drops it at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import user_remove
from follows.services import follow_create
from tests.factories import GenreFactory, MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def response_cache_on(settings):
    settings.RESPONSE_CACHE_SECONDS = 60


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Writes bump the cache generation on commit; run those callbacks as a real commit would."""

    def write(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return write


@pytest.mark.parametrize(
    "path", ["/api/movies/", "/api/movies/{id}/", "/api/movies/{id}/reviews/", "/api/reviews/", "/api/genres/"]
)
def test_repeated_public_read_is_served_without_queries(api_client, django_assert_num_queries, path):
    movie = MovieFactory(genres=["Drama"])
    ReviewFactory(movie=movie)
    url = path.format(id=movie.pk)
    first = api_client.get(url)

    with django_assert_num_queries(0):
        second = api_client.get(url)

    assert second.status_code == 200
    assert second.json() == first.json()


def test_new_review_shows_in_the_next_read(api_client, user_client, run_on_commit):
    movie = MovieFactory()
    assert api_client.get(f"/api/movies/{movie.pk}/").json()["review_count"] == 0

    run_on_commit(lambda: user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 5}, format="json"))

    body = api_client.get(f"/api/movies/{movie.pk}/").json()
    assert (body["review_count"], body["avg_rating"]) == (1, 5.0)
    assert api_client.get("/api/reviews/").json()["count"] == 1


def test_edited_and_deleted_reviews_show_in_the_next_read(api_client, user_client, user, run_on_commit):
    review = ReviewFactory(user=user, rating=2)
    url = f"/api/movies/{review.movie_id}/"
    assert api_client.get(url).json()["avg_rating"] == 2.0

    run_on_commit(lambda: user_client.patch(f"/api/reviews/{review.pk}/", {"rating": 4}, format="json"))
    assert api_client.get(url).json()["avg_rating"] == 4.0

    run_on_commit(lambda: user_client.delete(f"/api/reviews/{review.pk}/"))
    assert api_client.get(url).json()["review_count"] == 0


def test_catalogue_writes_show_in_the_next_read(api_client, admin_client, run_on_commit):
    movie = MovieFactory(title="Old title")
    assert api_client.get("/api/movies/").json()["results"][0]["title"] == "Old title"

    run_on_commit(lambda: admin_client.patch(f"/api/movies/{movie.pk}/", {"title": "New title"}, format="json"))
    assert api_client.get("/api/movies/").json()["results"][0]["title"] == "New title"

    GenreFactory(name="Noir")
    run_on_commit(lambda: admin_client.post("/api/genres/", {"name": "Western"}, format="json"))
    assert [row["name"] for row in api_client.get("/api/genres/").json()["results"]] == ["Noir", "Western"]


def test_each_query_string_is_its_own_entry(api_client):
    MovieFactory(title="Alien")
    MovieFactory(title="Heat")
    assert api_client.get("/api/movies/", {"search": "alien"}).json()["count"] == 1
    assert api_client.get("/api/movies/", {"search": "heat"}).json()["count"] == 1
    assert api_client.get("/api/movies/").json()["count"] == 2


def test_errors_are_not_cached(api_client):
    MovieFactory.create_batch(2)
    assert api_client.get("/api/movies/", {"page_size": 2, "page": 2}).status_code == 404
    MovieFactory.create_batch(2)  # no commit hook here: only the absence of a cached 404 lets this through
    assert api_client.get("/api/movies/", {"page_size": 2, "page": 2}).status_code == 200


def test_links_keep_the_host_the_client_used(api_client):
    MovieFactory.create_batch(3)
    first = api_client.get("/api/movies/", {"page_size": 1}, HTTP_HOST="localhost").json()
    second = api_client.get("/api/movies/", {"page_size": 1}, HTTP_HOST="127.0.0.1").json()
    assert first["next"].startswith("http://localhost/")
    assert second["next"].startswith("http://127.0.0.1/")


def test_zero_seconds_turns_the_cache_off(api_client, settings, django_assert_num_queries):
    settings.RESPONSE_CACHE_SECONDS = 0
    MovieFactory()
    api_client.get("/api/movies/")
    with django_assert_num_queries(3):  # COUNT, the page, its genres: nothing came from the cache
        api_client.get("/api/movies/")


MEMBER_READS = ["/api/users/{name}/", "/api/users/{name}/diary/", "/api/users/{name}/watchlist/"]


@pytest.mark.parametrize("path", MEMBER_READS)
def test_a_visitors_read_of_a_member_is_cached_and_a_members_is_not(
    api_client, user_client, other_user, django_assert_num_queries, path
):
    url = path.format(name=other_user.username)
    api_client.get(url)

    with django_assert_num_queries(0):
        assert api_client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as member_read:
        assert user_client.get(url).status_code == 200
    assert len(member_read) > 0  # computed for the member, not the visitors' answer


@pytest.mark.parametrize("path", MEMBER_READS[1:])
def test_a_diary_or_watchlist_made_private_is_gone_from_the_next_visitors_read(
    api_client, other_user, other_client, run_on_commit, path
):
    url = path.format(name=other_user.username)
    field = "diary_public" if "diary" in path else "watchlist_public"
    assert api_client.get(url).status_code == 200

    run_on_commit(lambda: other_client.patch("/api/users/me/", {field: False}, format="json"))

    assert api_client.get(url).status_code == 404
    assert other_client.get(url).status_code == 200  # its owner still reads it


def test_a_new_follower_shows_in_the_next_visitors_read_of_the_profile(api_client, user, other_user, run_on_commit):
    url = f"/api/users/{other_user.username}/"
    assert api_client.get(url).json()["follower_count"] == 0

    run_on_commit(lambda: follow_create(follower=user, followee=other_user))

    assert api_client.get(url).json()["follower_count"] == 1


def test_a_deleted_account_is_gone_from_the_next_visitors_read(api_client, other_user, run_on_commit):
    url = f"/api/users/{other_user.username}/"
    assert api_client.get(url).status_code == 200

    run_on_commit(lambda: user_remove(user=other_user))

    assert api_client.get(url).status_code == 404
