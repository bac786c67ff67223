import datetime

import pytest
from django.utils import timezone

from accounts.tests.utils import ME_URL, assert_error
from conftest import authenticated_client
from movies.ratings import no_ratings
from recommendations.tests.serving_helpers import bulk_reviews, bulk_users
from reviews.models import Review
from tests.factories import GenreFactory, MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/users/profile/taste-profile/"


@pytest.fixture
def reviewer():
    """Loves Nolan thrillers, is lukewarm on comedies; one review is two months old."""
    user = UserFactory()
    thriller, comedy = GenreFactory(name="Thriller"), GenreFactory(name="Comedy")
    nolan = {"directors": ["Christopher Nolan"], "cast": ["Christian Bale", "Michael Caine"]}
    memento = MovieFactory(genres=[thriller], release_date=datetime.date(2000, 9, 5), **nolan)
    prestige = MovieFactory(genres=[thriller], release_date=datetime.date(2006, 10, 20), **nolan)
    farce = MovieFactory(genres=[comedy], release_date=datetime.date(1994, 1, 1), cast=["Jim Carrey"])
    ReviewFactory(user=user, movie=memento, rating=5)
    ReviewFactory(user=user, movie=prestige, rating=4)
    old = ReviewFactory(user=user, movie=farce, rating=2)
    Review.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=62))
    # Everybody else rates these movies 3.
    bulk_reviews([(other, movie, 3) for other in bulk_users(4) for movie in (memento, prestige, farce)])
    return user


def test_taste_profile_summarises_the_users_reviews(reviewer):
    body = authenticated_client(reviewer).get(URL).json()

    assert [(genre["name"], genre["count"]) for genre in body["favourite_genres"]] == [("Thriller", 2)]
    assert body["favourite_directors"] == [{"name": "Christopher Nolan", "count": 2}]
    assert body["favourite_actors"] == [{"name": "Christian Bale", "count": 2}, {"name": "Michael Caine", "count": 2}]
    assert body["average_rating_given"] == pytest.approx(11 / 3)
    assert body["community_average_rating"] == pytest.approx((11 + 4 * 9) / 15)
    assert body["community_average_for_same_movies"] == pytest.approx((17 / 5 + 16 / 5 + 14 / 5) / 3)
    assert body["rating_distribution"] == {**no_ratings(), "2": 1, "4": 1, "5": 1}
    assert body["decades"] == [
        {"decade": 1990, "count": 1, "average_rating": 2.0},
        {"decade": 2000, "count": 2, "average_rating": 4.5},
    ]
    activity = body["activity"]
    assert activity["total_reviews"] == 3
    assert activity["reviews_this_month"] == 2  # the 62-day-old one is from an earlier month
    latest = Review.objects.filter(user=reviewer).latest("created_at").created_at
    assert activity["last_review_at"] == latest.isoformat().replace("+00:00", "Z")


def test_limit_caps_the_favourite_lists(reviewer):
    body = authenticated_client(reviewer).get(URL, {"limit": 1}).json()
    assert len(body["favourite_actors"]) == 1
    assert len(body["favourite_genres"]) == 1


def test_taste_profile_favourites_come_from_ratings_of_four_or_more_halves_included(user):
    thriller, comedy, drama = (GenreFactory(name=name) for name in ("Thriller", "Comedy", "Drama"))
    for genre, rating in ((thriller, 4.5), (comedy, 4), (drama, 3.5), (drama, 0.5)):
        ReviewFactory(
            user=user, movie=MovieFactory(genres=[genre], directors=[f"{genre.name} Director"]), rating=rating
        )

    body = authenticated_client(user).get(URL).json()

    assert [genre["name"] for genre in body["favourite_genres"]] == ["Comedy", "Thriller"]
    assert [person["name"] for person in body["favourite_directors"]] == ["Comedy Director", "Thriller Director"]
    assert body["average_rating_given"] == 3.125
    assert list(body["rating_distribution"].items()) == list(
        {**no_ratings(), "0.5": 1, "3.5": 1, "4": 1, "4.5": 1}.items()
    )


def test_taste_profile_of_a_user_without_reviews_is_empty_not_an_error(user_client):
    body = user_client.get(URL).json()
    assert body["favourite_genres"] == body["favourite_directors"] == body["favourite_actors"] == body["decades"] == []
    assert body["average_rating_given"] is None and body["community_average_for_same_movies"] is None
    assert body["activity"] == {"total_reviews": 0, "last_review_at": None, "reviews_this_month": 0}


def test_taste_profile_changes_with_the_next_review(reviewer, django_capture_on_commit_callbacks):
    client = authenticated_client(reviewer)
    assert client.get(URL).json()["activity"]["total_reviews"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/reviews/", {"movie": MovieFactory().pk, "rating": 1}, format="json")
    assert client.get(URL).json()["activity"]["total_reviews"] == 4


def test_taste_profile_needs_login_and_is_not_a_username(api_client):
    UserFactory(username="profile-fan")
    assert_error(api_client.get(URL), 401)
    # The catch-all public profile route still answers for real usernames.
    assert api_client.get("/api/users/profile-fan/").status_code == 200


# --- Preferred genres on /me -------------------------------------------------------------------------------------


def test_preferred_genres_are_set_by_id_or_slug_and_read_back(user, user_client, django_capture_on_commit_callbacks):
    horror, comedy = GenreFactory(name="Horror", slug="horror"), GenreFactory(name="Comedy", slug="comedy")

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.patch(ME_URL, {"preferred_genre_ids": [horror.pk]}, format="json")
    assert response.status_code == 200
    assert [genre["slug"] for genre in response.json()["preferred_genres"]] == ["horror"]

    response = user_client.patch(ME_URL, {"preferred_genre_slugs": ["comedy", "horror"]}, format="json")
    assert {genre["slug"] for genre in response.json()["preferred_genres"]} == {"comedy", "horror"}
    assert set(user.preferred_genres.all()) == {horror, comedy}
    assert {genre["name"] for genre in user_client.get(ME_URL).json()["preferred_genres"]} == {"Comedy", "Horror"}


def test_unknown_preferred_genres_are_a_400_naming_them(user, user_client):
    GenreFactory(name="Horror", slug="horror")
    body = assert_error(
        user_client.patch(ME_URL, {"preferred_genre_slugs": ["horror", "space-opera", "mumblecore"]}, format="json"),
        400,
        fields={"preferred_genre_slugs"},
    )
    assert "space-opera" in body["detail"] and "mumblecore" in body["detail"]
    assert_error(user_client.patch(ME_URL, {"preferred_genre_ids": [987654]}, format="json"), 400)
    assert not user.preferred_genres.exists()


def test_preferred_genres_by_id_and_slug_at_once_are_refused(user_client):
    genre = GenreFactory()
    response = user_client.patch(
        ME_URL, {"preferred_genre_ids": [genre.pk], "preferred_genre_slugs": [genre.slug]}, format="json"
    )
    assert_error(response, 400, fields={"preferred_genre_slugs"})


def test_changing_preferred_genres_changes_the_next_cold_start_list(
    user, user_client, django_capture_on_commit_callbacks
):
    horror, comedy = GenreFactory(name="Horror", slug="horror"), GenreFactory(name="Comedy", slug="comedy")
    MovieFactory(genres=[horror])
    MovieFactory(genres=[comedy])
    with django_capture_on_commit_callbacks(execute=True):
        user_client.patch(ME_URL, {"preferred_genre_slugs": ["horror"]}, format="json")
    assert user_client.get("/api/recommendations/for-you/", {"limit": 1}).json()[0]["reason"] == "popular in Horror"

    with django_capture_on_commit_callbacks(execute=True):
        user_client.patch(ME_URL, {"preferred_genre_slugs": ["comedy"]}, format="json")
    assert user_client.get("/api/recommendations/for-you/", {"limit": 1}).json()[0]["reason"] == "popular in Comedy"
