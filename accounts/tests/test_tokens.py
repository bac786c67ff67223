"""POST token/refresh/ (rotation with blacklisting) and POST logout/."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.utils import (
    LOGOUT_URL,
    ME_URL,
    REFRESH_URL,
    assert_error,
    bearer_client,
    issue_tokens,
    refresh,
)
from tests.factories import DEFAULT_PASSWORD

User = get_user_model()

pytestmark = pytest.mark.django_db


def jti(token: str) -> str:
    return RefreshToken(token, verify=False)["jti"]


def is_blacklisted(token: str) -> bool:
    return BlacklistedToken.objects.filter(token__jti=jti(token)).exists()


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_rotates_and_returns_a_working_access_token(user):
    _, old_refresh = issue_tokens(user)

    response = refresh(old_refresh)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert body["refresh"] != old_refresh
    assert jti(body["refresh"]) != jti(old_refresh)
    assert bearer_client(body["access"]).get(ME_URL).json()["id"] == user.pk


def test_refresh_blacklists_the_old_token_and_records_the_new_one(user):
    _, old_refresh = issue_tokens(user)

    new_refresh = refresh(old_refresh).json()["refresh"]

    assert is_blacklisted(old_refresh)
    assert not is_blacklisted(new_refresh)
    assert OutstandingToken.objects.filter(user=user, jti=jti(new_refresh)).exists()


def test_reusing_a_rotated_refresh_token_is_401(user):
    _, old_refresh = issue_tokens(user)
    assert refresh(old_refresh).status_code == 200

    body = assert_error(refresh(old_refresh), 401, code="token_not_valid")

    assert body["detail"] == "Token is blacklisted"


def test_rotated_refresh_token_keeps_refreshing(user):
    _, token = issue_tokens(user)

    for _ in range(3):
        response = refresh(token)
        assert response.status_code == 200
        token = response.json()["refresh"]


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.invalid-signature"])
def test_refresh_with_garbage_token_is_401(garbage):
    response = refresh(garbage)

    body = assert_error(response, 401, code="token_not_valid")
    assert body["detail"] == "Token is invalid"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_refresh_with_an_access_token_is_401(user):
    access, _ = issue_tokens(user)

    body = assert_error(refresh(access), 401, code="token_not_valid")

    assert body["detail"] == "Token has wrong type"


def test_refresh_with_expired_token_is_401(user, settings):
    token = RefreshToken.for_user(user)
    token.set_exp(lifetime=-settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"])

    body = assert_error(refresh(str(token)), 401, code="token_not_valid")

    assert "expired" in body["detail"]


def test_refresh_for_inactive_user_is_401(user):
    _, token = issue_tokens(user)
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert_error(refresh(token), 401, code="no_active_account")
    assert not is_blacklisted(token)


def test_refresh_for_user_deleted_behind_our_back_is_401_not_500(user):
    _, token = issue_tokens(user)
    User.objects.filter(pk=user.pk).delete()  # bypasses the service, so nothing was blacklisted

    assert_error(refresh(token), 401, code="no_active_account")


def test_refresh_token_issued_before_a_password_change_is_401_even_if_not_blacklisted(user):
    _, token = issue_tokens(user)
    user.set_password("A-Brand-New-Secret-9")
    user.save()  # bypasses the service, so the token is not blacklisted

    body = assert_error(refresh(token), 401, code="password_changed")

    assert body["detail"] == "The user's password has been changed."


def test_refresh_requires_the_refresh_field(api_client):
    assert_error(api_client.post(REFRESH_URL, {}, format="json"), 400, fields={"refresh"})


def test_refresh_rejects_unknown_fields(api_client, user):
    _, token = issue_tokens(user)

    assert_error(api_client.post(REFRESH_URL, {"refresh": token, "extra": 1}, format="json"), 400, fields={"extra"})
    assert not is_blacklisted(token)


# --- logout -------------------------------------------------------------------------------------


def test_logout_blacklists_the_refresh_token(api_client, user):
    _, token = issue_tokens(user)

    response = api_client.post(LOGOUT_URL, {"refresh": token}, format="json")

    assert response.status_code == 204
    assert response.content == b""
    assert is_blacklisted(token)
    assert_error(refresh(token), 401, code="token_not_valid")


def test_logout_ends_only_that_session(api_client, user):
    _, this_session = issue_tokens(user)
    _, other_session = issue_tokens(user)

    assert api_client.post(LOGOUT_URL, {"refresh": this_session}, format="json").status_code == 204

    assert not is_blacklisted(other_session)
    assert refresh(other_session).status_code == 200


def test_logout_with_rotated_token_blacklists_it(api_client, user):
    _, first = issue_tokens(user)
    rotated = refresh(first).json()["refresh"]

    assert api_client.post(LOGOUT_URL, {"refresh": rotated}, format="json").status_code == 204

    assert_error(refresh(rotated), 401, code="token_not_valid")


@pytest.mark.parametrize("token", ["garbage", ""])
def test_logout_with_invalid_token_is_400(api_client, token):
    response = api_client.post(LOGOUT_URL, {"refresh": token}, format="json")

    assert_error(response, 400, fields={"refresh"})
    assert not BlacklistedToken.objects.exists()


def test_logout_with_an_access_token_is_400(api_client, user):
    access, _ = issue_tokens(user)

    body = assert_error(api_client.post(LOGOUT_URL, {"refresh": access}, format="json"), 400, fields={"refresh"})

    assert body["errors"]["refresh"] == ["Token has wrong type"]
    assert not BlacklistedToken.objects.exists()


def test_logout_twice_with_the_same_token_is_400(api_client, user):
    _, token = issue_tokens(user)
    assert api_client.post(LOGOUT_URL, {"refresh": token}, format="json").status_code == 204

    body = assert_error(api_client.post(LOGOUT_URL, {"refresh": token}, format="json"), 400, fields={"refresh"})

    assert body["errors"]["refresh"] == ["Token is blacklisted"]
    assert BlacklistedToken.objects.count() == 1


def test_logout_rejects_unknown_fields(api_client, user):
    _, token = issue_tokens(user)

    assert_error(api_client.post(LOGOUT_URL, {"refresh": token, "all": True}, format="json"), 400, fields={"all"})
    assert not is_blacklisted(token)


def test_login_then_logout_round_trip(api_client, user):
    tokens = api_client.post(
        "/api/users/login/", {"username": user.username, "password": DEFAULT_PASSWORD}, format="json"
    ).json()

    assert api_client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json").status_code == 204

    assert_error(refresh(tokens["refresh"]), 401, code="token_not_valid")
