"""POST /api/users/me/password/."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.tests.utils import (
    ME_URL,
    PASSWORD_URL,
    STRONG_PASSWORD,
    assert_error,
    bearer_client,
    issue_tokens,
    login,
    refresh,
)
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def change(client, old=DEFAULT_PASSWORD, new=STRONG_PASSWORD, **extra):
    return client.post(PASSWORD_URL, {"old_password": old, "new_password": new, **extra}, format="json")


def test_password_change_succeeds_with_correct_old_password(user_client, user):
    response = change(user_client)

    assert response.status_code == 204
    assert response.content == b""
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)


def test_after_password_change_only_the_new_password_logs_in(user_client, user):
    assert change(user_client).status_code == 204

    assert login(user.username, STRONG_PASSWORD).status_code == 200
    assert_error(login(user.username, DEFAULT_PASSWORD), 401, code="invalid_credentials")


def test_password_change_revokes_previously_issued_refresh_tokens(user):
    access, first_refresh = issue_tokens(user)
    _, second_refresh = issue_tokens(user)
    rotated_refresh = refresh(second_refresh).json()["refresh"]

    assert change(bearer_client(access)).status_code == 204

    for token in (first_refresh, rotated_refresh):
        assert_error(refresh(token), 401, code="token_not_valid")
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


def test_password_change_revokes_previously_issued_access_tokens(user):
    access, _ = issue_tokens(user)
    other_access, _ = issue_tokens(user)
    assert bearer_client(other_access).get(ME_URL).status_code == 200

    assert change(bearer_client(access)).status_code == 204

    for token in (access, other_access):
        response = bearer_client(token).get(ME_URL)
        assert response.status_code == 401
        assert response.json()["status"] == 401


def test_tokens_issued_after_password_change_work(user_client, user):
    assert change(user_client).status_code == 204

    tokens = login(user.username, STRONG_PASSWORD).json()

    assert bearer_client(tokens["access"]).get(ME_URL).status_code == 200
    assert refresh(tokens["refresh"]).status_code == 200


def test_password_change_does_not_touch_other_users_tokens(user_client, other_user):
    other_access, other_refresh = issue_tokens(other_user)

    assert change(user_client).status_code == 204

    assert bearer_client(other_access).get(ME_URL).status_code == 200
    assert refresh(other_refresh).status_code == 200


def test_password_change_with_wrong_old_password_is_400_and_changes_nothing(user):
    access, refresh_token = issue_tokens(user)

    body = assert_error(change(bearer_client(access), old="not-my-password"), 400, fields={"old_password"})

    assert body["errors"]["old_password"] == ["Current password is incorrect."]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not BlacklistedToken.objects.exists()
    assert bearer_client(access).get(ME_URL).status_code == 200
    assert refresh(refresh_token).status_code == 200


@pytest.mark.parametrize("weak", ["short1!", "password", "1234567890"])
def test_password_change_rejects_weak_new_password_under_new_password(user_client, user, weak):
    body = assert_error(change(user_client, new=weak), 400, fields={"new_password"})

    assert body["errors"]["new_password"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not BlacklistedToken.objects.exists()


def test_new_password_similar_to_username_is_rejected(user_client, user):
    assert_error(change(user_client, new=f"{user.username}x"), 400, fields={"new_password"})


def test_password_change_requires_both_fields(user_client):
    assert_error(user_client.post(PASSWORD_URL, {}, format="json"), 400, fields={"old_password", "new_password"})


def test_password_change_rejects_unknown_fields(user_client, user):
    assert_error(change(user_client, confirm=STRONG_PASSWORD), 400, fields={"confirm"})

    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_anonymous_cannot_change_password(api_client, user):
    assert_error(change(api_client), 401, code="not_authenticated")

    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
