"""The Django admin for users (session login, not JWT)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db

CHANGELIST_URL = "/admin/accounts/user/"


@pytest.fixture
def admin_site_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_admin_user_changelist_search_renders_and_filters(admin_site_client):
    UserFactory(username="needle", email="needle@example.com")
    UserFactory(username="haystack", email="hay@example.com")

    response = admin_site_client.get(CHANGELIST_URL, {"q": "NEEDLE"})

    assert response.status_code == 200
    usernames = {user.username for user in response.context["cl"].result_list}
    assert usernames == {"needle"}


def test_admin_user_changelist_searches_email(admin_site_client):
    UserFactory(username="alpha", email="unique-address@example.org")

    response = admin_site_client.get(CHANGELIST_URL, {"q": "unique-address"})

    assert response.status_code == 200
    assert [user.username for user in response.context["cl"].result_list] == ["alpha"]


def test_admin_user_change_and_add_pages_render(admin_site_client, user_with_avatar):
    change = admin_site_client.get(f"{CHANGELIST_URL}{user_with_avatar.pk}/change/")
    add = admin_site_client.get(f"{CHANGELIST_URL}add/")

    assert change.status_code == 200
    assert b'name="bio"' in change.content
    assert b'name="avatar"' in change.content
    assert add.status_code == 200


def test_non_staff_user_cannot_open_user_admin(user):
    client = Client()
    client.force_login(user)

    response = client.get(CHANGELIST_URL, {"q": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def change_form_data(user, **overrides) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "bio": user.bio,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **overrides,
    }


def test_admin_can_edit_user_whose_avatar_file_is_missing(admin_site_client, user, media_root):
    User.objects.filter(pk=user.pk).update(avatar="avatars/vanished.png")
    user.refresh_from_db()

    response = admin_site_client.post(f"{CHANGELIST_URL}{user.pk}/change/", change_form_data(user, bio="edited"))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.bio == "edited"
    assert user.avatar.name == "avatars/vanished.png"


def test_admin_cannot_give_two_users_the_same_username_in_different_case(admin_site_client, user, other_user):
    response = admin_site_client.post(
        f"{CHANGELIST_URL}{user.pk}/change/", change_form_data(user, username=other_user.username.upper())
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "username" in form.errors or form.non_field_errors()
    user.refresh_from_db()
    assert user.username != other_user.username.upper()


def test_admin_deleting_a_user_corrects_the_movies_they_reviewed(admin_site_client):
    from tests.factories import MovieFactory, ReviewFactory

    movie = MovieFactory()
    leaving = UserFactory()
    ReviewFactory(movie=movie, user=leaving, rating=1)
    ReviewFactory(movie=movie, rating=5)

    response = admin_site_client.post(f"{CHANGELIST_URL}{leaving.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    movie.refresh_from_db()
    assert (movie.review_count, movie.avg_rating) == (1, 5.0)


def test_admin_bulk_delete_corrects_movie_aggregates(admin_site_client):
    from tests.factories import MovieFactory, ReviewFactory

    movie = MovieFactory()
    leavers = UserFactory.create_batch(2)
    for leaver in leavers:
        ReviewFactory(movie=movie, user=leaver, rating=2)
    ReviewFactory(movie=movie, rating=4)

    response = admin_site_client.post(
        CHANGELIST_URL,
        {"action": "delete_selected", "_selected_action": [u.pk for u in leavers], "post": "yes"},
    )

    assert response.status_code == 302
    movie.refresh_from_db()
    assert (movie.review_count, movie.avg_rating) == (1, 4.0)
    assert not User.objects.filter(pk__in=[u.pk for u in leavers]).exists()
