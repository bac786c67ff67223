import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tests.utils import (
    ME_URL,
    REGISTER_URL,
    STRONG_PASSWORD,
    assert_error,
    bearer_client,
    refresh,
)

User = get_user_model()

pytestmark = pytest.mark.django_db


def register(api_client, **overrides):
    payload = {"username": "newcomer", "email": "newcomer@example.com", "password": STRONG_PASSWORD, **overrides}
    return api_client.post(REGISTER_URL, payload, format="json")


def test_register_creates_user_and_returns_profile_and_working_tokens(api_client):
    response = register(api_client)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    created = User.objects.get(username="newcomer")
    assert body["user"] == {
        "id": created.pk,
        "username": "newcomer",
        "email": "newcomer@example.com",
        "first_name": "",
        "last_name": "",
        "bio": "",
        "avatar": None,
        "date_joined": body["user"]["date_joined"],
        "is_staff": False,
        "preferred_genres": [],
        "diary_public": True,
        "watchlist_public": True,
        "time_zone": "UTC",
    }
    assert created.check_password(STRONG_PASSWORD)
    assert created.password != STRONG_PASSWORD
    assert created.is_active and not created.is_staff and not created.is_superuser
    me = bearer_client(body["access"]).get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "newcomer"
    assert OutstandingToken.objects.filter(user=created).count() == 1
    assert refresh(body["refresh"]).status_code == 200


def test_register_never_echoes_the_password(api_client):
    response = register(api_client)

    assert response.status_code == 201
    assert STRONG_PASSWORD not in response.content.decode()


@pytest.mark.parametrize("taken", ["user_taken", "USER_TAKEN", "User_Taken"])
def test_register_rejects_username_taken_in_any_case(api_client, taken):
    User.objects.create_user(username="user_taken", email="taken@example.com", password=STRONG_PASSWORD)

    body = assert_error(register(api_client, username=taken), 400, fields={"username"})

    assert "already exists" in body["errors"]["username"][0]
    assert User.objects.count() == 1


@pytest.mark.parametrize("taken", ["taken@example.com", "TAKEN@Example.COM"])
def test_register_rejects_email_taken_in_any_case(api_client, taken):
    User.objects.create_user(username="someone", email="taken@example.com", password=STRONG_PASSWORD)

    body = assert_error(register(api_client, email=taken), 400, fields={"email"})

    assert "already exists" in body["errors"]["email"][0]
    assert User.objects.count() == 1


def test_register_reports_both_taken_fields_at_once(api_client, user):
    response = register(api_client, username=user.username.upper(), email=user.email.upper())

    assert_error(response, 400, fields={"username", "email"})
    assert User.objects.count() == 1


@pytest.mark.parametrize("reserved", ["login", "register", "logout", "token", "profile", "admin", "api", "LogIn"])
def test_register_rejects_reserved_usernames(api_client, reserved):
    body = assert_error(register(api_client, username=reserved), 400, fields={"username"})

    assert body["errors"]["username"] == [f"'{reserved}' is reserved; choose another username."]
    assert not User.objects.exists()


@pytest.mark.parametrize("reserved", ["me", "ME"])
def test_register_rejects_me_as_username(api_client, reserved):
    """ "me" is caught by the minimum length before the reserved-name check; either way it is refused."""
    assert_error(register(api_client, username=reserved), 400, fields={"username"})
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Sh0rt!", "too short"),
        ("password", "too common"),
        ("8675309012", "entirely numeric"),
        ("newcomer-example", "too similar"),
    ],
)
def test_register_rejects_weak_password_under_the_password_field(api_client, password, reason):
    body = assert_error(register(api_client, password=password), 400, fields={"password"})

    assert any(reason in message for message in body["errors"]["password"])
    assert not User.objects.exists()


def test_register_rejects_unknown_fields_and_names_them(api_client):
    body = assert_error(register(api_client, is_staff=True, role="admin"), 400, fields={"is_staff", "role"})

    assert body["errors"]["is_staff"] == ["Unknown field."]
    assert not User.objects.exists()


def test_register_rejects_malformed_json(api_client):
    response = api_client.post(REGISTER_URL, data='{"username": "x",', content_type="application/json")

    assert_error(response, 400, code="parse_error")
    assert not User.objects.exists()


def test_register_requires_every_field(api_client):
    body = assert_error(api_client.post(REGISTER_URL, {}, format="json"), 400, fields={"username", "email", "password"})

    assert body["errors"]["username"] == ["This field is required."]


@pytest.mark.parametrize("username", ["ab", "has space", "semi;colon", "x" * 151])
def test_register_rejects_malformed_usernames(api_client, username):
    assert_error(register(api_client, username=username), 400, fields={"username"})
    assert not User.objects.exists()


def test_register_rejects_invalid_email(api_client):
    assert_error(register(api_client, email="not-an-email"), 400, fields={"email"})
    assert not User.objects.exists()


def test_register_accepts_form_encoded_body(api_client):
    payload = {"username": "formuser", "email": "form@example.com", "password": STRONG_PASSWORD}

    response = api_client.post(REGISTER_URL, payload)  # multipart, as an HTML form would send

    assert response.status_code == 201
    assert User.objects.filter(username="formuser").exists()


def test_register_rejects_get(api_client):
    assert_error(api_client.get(REGISTER_URL), 405, code="method_not_allowed")
