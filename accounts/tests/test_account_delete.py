"""DELETE /api/users/me/."""

import pytest
from django.contrib.auth import get_user_model

from accounts.tests.utils import ME_URL, assert_error, bearer_client, issue_tokens, refresh
from movies.models import Movie
from movies.ratings import no_ratings
from reviews.models import Review
from tests.factories import DEFAULT_PASSWORD, MovieFactory, ReviewFactory, UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(user, other_user):
    """Three movies: one reviewed by three people including `user`, one only by `user`, one without `user`."""
    third = UserFactory()
    shared, solo, untouched = MovieFactory(), MovieFactory(), MovieFactory()
    ReviewFactory(user=user, movie=shared, rating=5)
    ReviewFactory(user=other_user, movie=shared, rating=3)
    ReviewFactory(user=third, movie=shared, rating=2)
    ReviewFactory(user=user, movie=solo, rating=1)
    ReviewFactory(user=other_user, movie=untouched, rating=4)
    ReviewFactory(user=third, movie=untouched, rating=5)
    return {"shared": shared, "solo": solo, "untouched": untouched}


def aggregates(movie) -> tuple[float, int]:
    movie = Movie.objects.get(pk=movie.pk)
    return movie.avg_rating, movie.review_count


def delete_me(client, password=DEFAULT_PASSWORD):
    return client.delete(ME_URL, {"password": password}, format="json")


def test_catalogue_aggregates_start_correct(catalogue):
    assert aggregates(catalogue["shared"]) == (pytest.approx(10 / 3), 3)
    assert aggregates(catalogue["solo"]) == (1.0, 1)
    assert aggregates(catalogue["untouched"]) == (4.5, 2)


def test_delete_with_correct_password_removes_user_and_reviews(user_client, user, other_user, catalogue):
    response = delete_me(user_client)

    assert response.status_code == 204
    assert response.content == b""
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Review.objects.filter(user_id=user.pk).exists()
    assert Review.objects.filter(user=other_user).count() == 2
    assert Review.objects.count() == 4


def test_delete_corrects_movie_aggregates(user_client, catalogue):
    assert delete_me(user_client).status_code == 204

    assert aggregates(catalogue["shared"]) == (2.5, 2)
    assert aggregates(catalogue["solo"]) == (0.0, 0)
    assert aggregates(catalogue["untouched"]) == (4.5, 2)


def test_delete_with_wrong_password_is_400_and_deletes_nothing(user_client, user, catalogue):
    body = assert_error(delete_me(user_client, password="not-my-password"), 400, fields={"password"})

    assert body["errors"]["password"] == ["Password is incorrect."]
    assert User.objects.filter(pk=user.pk).exists()
    assert Review.objects.filter(user=user).count() == 2
    assert aggregates(catalogue["shared"]) == (pytest.approx(10 / 3), 3)
    assert aggregates(catalogue["solo"]) == (1.0, 1)


def test_delete_without_password_is_400(user_client, user):
    assert_error(user_client.delete(ME_URL, {}, format="json"), 400, fields={"password"})
    assert_error(user_client.delete(ME_URL), 400, fields={"password"})

    assert User.objects.filter(pk=user.pk).exists()


def test_delete_rejects_unknown_fields(user_client, user):
    response = user_client.delete(ME_URL, {"password": DEFAULT_PASSWORD, "confirm": True}, format="json")

    assert_error(response, 400, fields={"confirm"})
    assert User.objects.filter(pk=user.pk).exists()


def test_deleted_users_tokens_stop_working(user):
    access, refresh_token = issue_tokens(user)
    _, rotated = issue_tokens(user)
    rotated = refresh(rotated).json()["refresh"]

    assert delete_me(bearer_client(access)).status_code == 204

    assert bearer_client(access).get(ME_URL).status_code == 401
    for token in (refresh_token, rotated):
        assert_error(refresh(token), 401, code="token_not_valid")


def test_deleted_username_and_email_become_available(user_client, user, api_client):
    username, email = user.username, user.email
    assert delete_me(user_client).status_code == 204

    response = api_client.post(
        "/api/users/register/",
        {"username": username, "email": email, "password": "Zebra-Quantum-Lantern-42"},
        format="json",
    )

    assert response.status_code == 201


def test_other_user_is_unaffected_by_a_deletion(user_client, other_user, other_client):
    assert delete_me(user_client).status_code == 204

    assert other_client.get(ME_URL).json()["id"] == other_user.pk


def test_delete_removes_the_avatar_file(user_client, user_with_avatar, media_root, django_capture_on_commit_callbacks):
    path = media_root / user_with_avatar.avatar.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_me(user_client).status_code == 204

    assert not path.exists()


def test_failed_delete_keeps_the_avatar_file(
    user_client, user_with_avatar, media_root, django_capture_on_commit_callbacks
):
    path = media_root / user_with_avatar.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_me(user_client, password="wrong").status_code == 400

    assert path.exists()


def test_an_account_deleted_outside_the_api_still_corrects_the_movies(db):
    movie = MovieFactory()
    leaving, staying = UserFactory(), UserFactory()
    ReviewFactory(user=leaving, movie=movie, rating=1)
    ReviewFactory(user=staying, movie=movie, rating=5)

    leaving.delete()

    movie.refresh_from_db()
    assert (movie.review_count, movie.avg_rating) == (1, 5.0)
    assert movie.rating_distribution == {**no_ratings(), "5": 1}
