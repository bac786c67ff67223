import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tests.utils import LOGIN_URL, ME_URL, STRONG_PASSWORD, assert_error, bearer_client, login, refresh
from tests.factories import DEFAULT_PASSWORD, UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


def assert_invalid_credentials(response):
    body = assert_error(response, 401, code="invalid_credentials")
    assert body["detail"] == "No active account matches these credentials."
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_login_with_username_returns_profile_and_working_tokens(user):
    response = login(user.username, DEFAULT_PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert body["user"]["id"] == user.pk
    assert body["user"]["username"] == user.username
    assert "password" not in body["user"]
    assert bearer_client(body["access"]).get(ME_URL).json()["id"] == user.pk
    assert refresh(body["refresh"]).status_code == 200


def test_login_records_last_login_and_an_outstanding_refresh_token(user):
    assert user.last_login is None

    assert login(user.username, DEFAULT_PASSWORD).status_code == 200

    user.refresh_from_db()
    assert user.last_login is not None
    assert OutstandingToken.objects.filter(user=user).count() == 1


def test_login_username_is_case_insensitive(user):
    response = login(user.username.upper(), DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.json()["user"]["id"] == user.pk


@pytest.mark.parametrize("transform", [str.lower, str.upper, str.title])
def test_login_with_email_is_case_insensitive(transform):
    account = UserFactory(username="emailer", email="Emailer@Example.com")

    response = login(transform("emailer@example.com"), DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.json()["user"]["id"] == account.pk


def test_login_works_for_username_containing_at_sign():
    account = UserFactory(username="at@home", email="different@example.com")

    response = login("AT@HOME", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.json()["user"]["id"] == account.pk


def test_login_email_match_takes_precedence_over_username_that_looks_like_email():
    owner = UserFactory(username="owner", email="shared@example.com")
    UserFactory(username="shared@example.com", email="squatter@example.com")
    owner.set_password(STRONG_PASSWORD)
    owner.save()

    response = login("shared@example.com", STRONG_PASSWORD)

    assert response.status_code == 200
    assert response.json()["user"]["id"] == owner.pk
    assert_invalid_credentials(login("shared@example.com", DEFAULT_PASSWORD))


def test_login_with_wrong_password_is_401_and_issues_nothing(user):
    assert_invalid_credentials(login(user.username, "wrong-password"))

    user.refresh_from_db()
    assert user.last_login is None
    assert not OutstandingToken.objects.exists()


def test_login_for_unknown_account_is_indistinguishable_from_wrong_password(user):
    unknown = login("nobody-here", DEFAULT_PASSWORD)
    wrong = login(user.username, "wrong-password")

    assert_invalid_credentials(unknown)
    assert unknown.json() == wrong.json()


def test_inactive_user_cannot_log_in():
    inactive = UserFactory(is_active=False)

    assert_invalid_credentials(login(inactive.username, DEFAULT_PASSWORD))
    assert_invalid_credentials(login(inactive.email, DEFAULT_PASSWORD))
    assert not OutstandingToken.objects.exists()


@pytest.mark.parametrize("attempt", [DEFAULT_PASSWORD, "!", "anything-at-all"])
def test_user_with_unusable_password_cannot_log_in(user, attempt):
    user.set_unusable_password()
    user.save()

    assert_invalid_credentials(login(user.username, attempt))


def test_login_requires_username_and_password(api_client):
    body = assert_error(api_client.post(LOGIN_URL, {}, format="json"), 400, fields={"username", "password"})

    assert body["errors"]["password"] == ["This field is required."]


def test_login_rejects_blank_password(user):
    assert_error(login(user.username, ""), 400, fields={"password"})


def test_login_rejects_unknown_fields(api_client, user):
    payload = {"username": user.username, "password": DEFAULT_PASSWORD, "remember_me": True}

    assert_error(api_client.post(LOGIN_URL, payload, format="json"), 400, fields={"remember_me"})
    assert not OutstandingToken.objects.exists()


def test_login_rejects_malformed_json(api_client):
    assert_error(api_client.post(LOGIN_URL, data="{oops", content_type="application/json"), 400, code="parse_error")
