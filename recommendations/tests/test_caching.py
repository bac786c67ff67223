import pytest
from django.db import transaction

from conftest import authenticated_client
from core.caching import current_generation
from movies.models import Movie
from movies.tests.helpers import ids
from recommendations.tests.helpers import add_reviews
from reviews import services
from tests.factories import MovieFactory, UserFactory

BASE = "/api/recommendations"


@pytest.fixture
def two_movies(db):
    good = MovieFactory(title="Good")
    add_reviews(good, [4] * 10)
    fair = MovieFactory(title="Fair")
    add_reviews(fair, [3] * 10)
    return good, fair


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["top-rated", "most-reviewed", "recent", "trending", "dashboard"])
def test_second_request_is_served_from_the_cache(api_client, two_movies, django_assert_num_queries, endpoint):
    first = api_client.get(f"{BASE}/{endpoint}/")
    # Changed behind the services' back: no generation bump, so the cached answer still stands.
    Movie.objects.update(title="Changed", avg_rating=1, review_count=99)

    with django_assert_num_queries(0):
        second = api_client.get(f"{BASE}/{endpoint}/")

    assert second.json() == first.json()
    assert "Changed" not in str(second.json())


@pytest.mark.django_db
def test_cache_is_keyed_by_parameters(api_client, two_movies):
    good, fair = two_movies
    assert ids(api_client.get(f"{BASE}/top-rated/", {"limit": 1})) == [good.pk]
    assert ids(api_client.get(f"{BASE}/top-rated/", {"limit": 2})) == [good.pk, fair.pk]
    assert ids(api_client.get(f"{BASE}/trending/", {"days": 1})) == [good.pk, fair.pk]


@pytest.mark.django_db
def test_new_review_changes_top_rated_on_the_next_request(api_client, two_movies, django_capture_on_commit_callbacks):
    good, fair = two_movies
    assert ids(api_client.get(f"{BASE}/top-rated/")) == [good.pk, fair.pk]
    newcomer = MovieFactory(title="Newcomer")

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(15):
            response = authenticated_client(UserFactory()).post(
                "/api/reviews/", {"movie": newcomer.pk, "rating": 5}, format="json"
            )
            assert response.status_code == 201

    assert ids(api_client.get(f"{BASE}/top-rated/")) == [newcomer.pk, good.pk, fair.pk]


@pytest.mark.django_db
def test_edited_and_deleted_reviews_change_the_lists_on_the_next_request(
    api_client, user, django_capture_on_commit_callbacks
):
    first, second = MovieFactory.create_batch(2)
    client = authenticated_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        review_id = client.post("/api/reviews/", {"movie": first.pk, "rating": 5}, format="json").json()["id"]
        client.post("/api/reviews/", {"movie": second.pk, "rating": 3}, format="json")
    assert ids(api_client.get(f"{BASE}/top-rated/")) == [first.pk, second.pk]

    with django_capture_on_commit_callbacks(execute=True):
        client.patch(f"/api/reviews/{review_id}/", {"rating": 1}, format="json")
    assert ids(api_client.get(f"{BASE}/top-rated/")) == [second.pk, first.pk]

    with django_capture_on_commit_callbacks(execute=True):
        client.delete(f"/api/reviews/{review_id}/")
    assert ids(api_client.get(f"{BASE}/most-reviewed/")) == [second.pk]


@pytest.mark.django_db(transaction=True)
def test_committed_review_refreshes_the_cache_without_help(api_client):
    movie = MovieFactory()
    assert api_client.get(f"{BASE}/most-reviewed/").json() == []

    response = authenticated_client(UserFactory()).post(
        "/api/reviews/", {"movie": movie.pk, "rating": 4}, format="json"
    )

    assert response.status_code == 201
    assert ids(api_client.get(f"{BASE}/most-reviewed/")) == [movie.pk]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_review_does_not_bump_the_generation():
    movie = MovieFactory()
    user = UserFactory()
    before = current_generation()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.review_create(user=user, movie=movie, rating=5)
        raise RuntimeError("roll back")

    assert current_generation() == before
    assert not movie.reviews.exists()


@pytest.mark.django_db
def test_zero_cache_seconds_disables_caching(api_client, two_movies, settings):
    settings.RECOMMENDATIONS_CACHE_SECONDS = 0
    good, fair = two_movies
    api_client.get(f"{BASE}/most-reviewed/")
    Movie.objects.filter(pk=fair.pk).update(review_count=50)
    assert ids(api_client.get(f"{BASE}/most-reviewed/")) == [fair.pk, good.pk]


# --- Catalogue writes by admins --------------------------------------------------------------


@pytest.mark.django_db
def test_movie_added_by_an_admin_shows_in_recent_at_once(
    api_client, admin_client, two_movies, django_capture_on_commit_callbacks
):
    assert len(api_client.get(f"{BASE}/recent/").json()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        created = admin_client.post("/api/movies/", {"title": "Fresh"}, format="json").json()

    assert ids(api_client.get(f"{BASE}/recent/"))[0] == created["id"]


@pytest.mark.django_db
def test_movie_deleted_by_an_admin_leaves_the_lists_at_once(
    api_client, admin_client, two_movies, django_capture_on_commit_callbacks
):
    good, fair = two_movies
    assert ids(api_client.get(f"{BASE}/top-rated/")) == [good.pk, fair.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/movies/{good.pk}/").status_code == 204

    assert ids(api_client.get(f"{BASE}/top-rated/")) == [fair.pk]
    assert ids(api_client.get(f"{BASE}/most-reviewed/")) == [fair.pk]


@pytest.mark.django_db
def test_movie_renamed_by_an_admin_shows_the_new_title_at_once(
    api_client, admin_client, two_movies, django_capture_on_commit_callbacks
):
    good, _ = two_movies
    api_client.get(f"{BASE}/top-rated/")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.patch(f"/api/movies/{good.pk}/", {"title": "Good (Director's Cut)"}, format="json")

    assert api_client.get(f"{BASE}/top-rated/").json()[0]["title"] == "Good (Director's Cut)"
