"""GET and PATCH /api/users/me/ (DELETE is in test_account_delete.py, avatars in test_avatar.py)."""

import pytest
from django.contrib.auth import get_user_model

from accounts.tests.utils import ME_URL, assert_error, bearer_client, issue_tokens
from tests.factories import DEFAULT_PASSWORD

User = get_user_model()

pytestmark = pytest.mark.django_db

OWN_FIELDS = {
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "bio",
    "avatar",
    "date_joined",
    "is_staff",
    "preferred_genres",
    "diary_public",
    "watchlist_public",
    "time_zone",
}


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_anonymous_cannot_use_me(api_client, user, method):
    response = getattr(api_client, method)(ME_URL, {"bio": "x", "password": DEFAULT_PASSWORD}, format="json")

    assert_error(response, 401, code="not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    user.refresh_from_db()
    assert user.bio == ""
    assert User.objects.filter(pk=user.pk).exists()


def test_invalid_bearer_token_is_401(user):
    response = bearer_client("not-a-jwt").get(ME_URL)

    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_invalid_bearer_token_error_body_is_flat(user):
    assert_error(bearer_client("not-a-jwt").get(ME_URL), 401, code="token_not_valid")


def test_me_returns_own_account(user_client, user):
    response = user_client.get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == OWN_FIELDS
    assert body["id"] == user.pk
    assert body["username"] == user.username
    assert body["email"] == user.email
    assert body["is_staff"] is False
    assert body["avatar"] is None


def test_me_shows_staff_flag_for_admin(admin_client, admin_user):
    assert admin_client.get(ME_URL).json()["is_staff"] is True


def test_inactive_user_access_token_stops_working(user):
    access, _ = issue_tokens(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = bearer_client(access).get(ME_URL)

    assert response.status_code == 401


def test_user_can_update_profile_text_fields(user_client, user):
    payload = {"bio": "I like long films.", "first_name": "Ada", "last_name": "Lovelace"}

    response = user_client.patch(ME_URL, payload, format="json")

    assert response.status_code == 200
    assert {key: response.json()[key] for key in payload} == payload
    user.refresh_from_db()
    assert (user.bio, user.first_name, user.last_name) == ("I like long films.", "Ada", "Lovelace")


def test_patch_with_empty_body_changes_nothing(user_client, user):
    response = user_client.patch(ME_URL, {}, format="json")

    assert response.status_code == 200
    assert response.json()["username"] == user.username


def test_user_can_change_email(user_client, user):
    response = user_client.patch(ME_URL, {"email": "fresh@example.com"}, format="json")

    assert response.status_code == 200
    assert response.json()["email"] == "fresh@example.com"
    user.refresh_from_db()
    assert user.email == "fresh@example.com"


def test_user_can_change_case_of_own_email(user_client, user):
    response = user_client.patch(ME_URL, {"email": user.email.upper()}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == user.email.upper()


def test_user_cannot_take_another_users_email_in_any_case(user_client, user, other_user):
    original = user.email

    body = assert_error(
        user_client.patch(ME_URL, {"email": other_user.email.upper()}, format="json"), 400, fields={"email"}
    )

    assert body["errors"]["email"] == ["A user with that email already exists."]
    user.refresh_from_db()
    assert user.email == original


@pytest.mark.parametrize("email", ["", "not-an-email"])
def test_user_cannot_blank_or_break_email(user_client, user, email):
    original = user.email

    assert_error(user_client.patch(ME_URL, {"email": email}, format="json"), 400, fields={"email"})

    user.refresh_from_db()
    assert user.email == original


def test_user_can_rename_and_keeps_using_the_same_token(user_client, user):
    response = user_client.patch(ME_URL, {"username": "renamed"}, format="json")

    assert response.status_code == 200
    assert response.json()["username"] == "renamed"
    user.refresh_from_db()
    assert user.username == "renamed"
    assert user_client.get(ME_URL).json()["username"] == "renamed"


def test_user_can_change_case_of_own_username(user_client, user):
    response = user_client.patch(ME_URL, {"username": user.username.upper()}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.username == user.username.upper()


@pytest.mark.parametrize("transform", [str, str.upper])
def test_user_cannot_take_another_users_username_in_any_case(user_client, user, other_user, transform):
    original = user.username

    response = user_client.patch(ME_URL, {"username": transform(other_user.username)}, format="json")

    body = assert_error(response, 400, fields={"username"})
    assert "already exists" in body["errors"]["username"][0]
    user.refresh_from_db()
    assert user.username == original


@pytest.mark.parametrize("reserved", ["Login", "ADMIN", "token"])
def test_user_cannot_rename_to_reserved_name(user_client, user, reserved):
    original = user.username

    body = assert_error(user_client.patch(ME_URL, {"username": reserved}, format="json"), 400, fields={"username"})

    assert "reserved" in body["errors"]["username"][0]
    user.refresh_from_db()
    assert user.username == original


@pytest.mark.parametrize("username", ["ab", "me", "has space", ""])
def test_user_cannot_rename_to_malformed_username(user_client, user, username):
    original = user.username

    assert_error(user_client.patch(ME_URL, {"username": username}, format="json"), 400, fields={"username"})

    user.refresh_from_db()
    assert user.username == original


def test_bio_longer_than_1000_characters_is_rejected(user_client, user):
    assert_error(user_client.patch(ME_URL, {"bio": "x" * 1001}, format="json"), 400, fields={"bio"})

    user.refresh_from_db()
    assert user.bio == ""


def test_read_only_fields_are_ignored(user_client, user):
    payload = {"id": user.pk + 1000, "is_staff": True, "date_joined": "2000-01-01T00:00:00Z", "bio": "hi"}

    response = user_client.patch(ME_URL, payload, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["is_staff"] is False
    assert not body["date_joined"].startswith("2000")
    user.refresh_from_db()
    assert user.is_staff is False
    assert user.date_joined.year != 2000
    assert user.bio == "hi"
    assert not User.objects.filter(pk=user.pk + 1000).exists()


@pytest.mark.parametrize("field", ["is_superuser", "is_active", "password", "last_login", "groups"])
def test_privileged_or_unknown_fields_are_rejected_by_name(user_client, user, field):
    password_hash = user.password

    response = user_client.patch(ME_URL, {field: True, "bio": "sneaky"}, format="json")

    body = assert_error(response, 400, fields={field})
    assert body["errors"][field] == ["Unknown field."]
    user.refresh_from_db()
    assert (user.is_superuser, user.is_active, user.bio, user.password) == (False, True, "", password_hash)


def test_patch_rejects_malformed_json(user_client):
    assert_error(user_client.patch(ME_URL, data="{", content_type="application/json"), 400, code="parse_error")


def test_user_cannot_change_another_user_through_me(user_client, other_user):
    user_client.patch(ME_URL, {"bio": "mine"}, format="json")

    other_user.refresh_from_db()
    assert other_user.bio == ""


def test_put_is_not_allowed(user_client):
    assert_error(user_client.put(ME_URL, {"bio": "x"}, format="json"), 405, code="method_not_allowed")


def test_me_reflects_changes_made_elsewhere(user_client, user):
    User.objects.filter(pk=user.pk).update(bio="changed in admin")

    assert user_client.get(ME_URL).json()["bio"] == "changed in admin"
