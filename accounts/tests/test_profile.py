"""GET /api/users/{username}/ public profile."""

import pytest

from accounts.tests.utils import assert_error, profile_url
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "username",
    "first_name",
    "last_name",
    "bio",
    "avatar",
    "date_joined",
    "review_count",
    "average_rating_given",
    "follower_count",
    "following_count",
    "followed",
    "diary_public",
    "watchlist_public",
    "stats",
}


def test_public_profile_shows_public_fields_only(api_client, user):
    user.bio = "Cinephile"
    user.first_name = "Ada"
    user.save()

    response = api_client.get(profile_url(user.username))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert body["username"] == user.username
    assert body["bio"] == "Cinephile"
    assert body["first_name"] == "Ada"
    assert user.email not in response.content.decode()


def test_public_profile_without_reviews_has_zero_count_and_null_average(api_client, user):
    body = api_client.get(profile_url(user.username)).json()

    assert body["review_count"] == 0
    assert body["average_rating_given"] is None


def test_public_profile_counts_and_averages_only_that_users_reviews(api_client, user, other_user):
    for rating in (5, 4, 2):
        ReviewFactory(user=user, movie=MovieFactory(), rating=rating)
    ReviewFactory(user=other_user, rating=1)

    body = api_client.get(profile_url(user.username)).json()

    assert body["review_count"] == 3
    assert body["average_rating_given"] == pytest.approx(11 / 3)


@pytest.mark.parametrize("transform", [str.upper, str.title])
def test_public_profile_lookup_is_case_insensitive(api_client, user, transform):
    response = api_client.get(profile_url(transform(user.username)))

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_public_profile_works_for_usernames_with_punctuation(api_client):
    account = UserFactory(username="j.doe+films@home")

    response = api_client.get(profile_url("J.Doe+Films@Home"))

    assert response.status_code == 200
    assert response.json()["username"] == account.username


def test_unknown_profile_is_404_json(api_client, user):
    body = assert_error(api_client.get(profile_url("no-such-person")), 404, code="not_found")

    assert "errors" not in body


def test_inactive_users_profile_is_404(api_client):
    inactive = UserFactory(is_active=False)

    assert_error(api_client.get(profile_url(inactive.username)), 404, code="not_found")


def test_authenticated_user_can_view_another_profile(user_client, other_user):
    response = user_client.get(profile_url(other_user.username))

    assert response.status_code == 200
    assert response.json()["username"] == other_user.username


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_public_profile_is_read_only(user_client, user, method):
    response = getattr(user_client, method)(profile_url(user.username), {"bio": "hacked"}, format="json")

    assert_error(response, 405, code="method_not_allowed")
    user.refresh_from_db()
    assert user.bio == ""
