"""Helpers shared by the accounts tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

REGISTER_URL = "/api/users/register/"
LOGIN_URL = "/api/users/login/"
REFRESH_URL = "/api/users/token/refresh/"
LOGOUT_URL = "/api/users/logout/"
ME_URL = "/api/users/me/"
PASSWORD_URL = "/api/users/me/password/"

STRONG_PASSWORD = "Zebra-Quantum-Lantern-42"
ERROR_KEYS = {"status", "code", "detail", "errors"}


def profile_url(username: str) -> str:
    return f"/api/users/{username}/"


def assert_error(response, status: int, *, code: str | None = None, fields: set[str] | None = None) -> dict:
    """The response is an error with the project's JSON error shape; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= ERROR_KEYS
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code
    if fields is not None:
        assert set(body["errors"]) == fields, body
        for messages in body["errors"].values():
            assert messages and all(isinstance(message, str) and message for message in messages)
    return body


def bearer_client(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def issue_tokens(user) -> tuple[str, str]:
    """(access, refresh) for `user`, recorded as outstanding like the login endpoint does."""
    refresh = RefreshToken.for_user(user)
    return str(refresh.access_token), str(refresh)


def login(username: str, password: str, client: APIClient | None = None):
    return (client or APIClient()).post(LOGIN_URL, {"username": username, "password": password}, format="json")


def refresh(token: str, client: APIClient | None = None):
    return (client or APIClient()).post(REFRESH_URL, {"refresh": token}, format="json")


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    image = Image.new("RGB", size, color=(200, 30, 30))
    if noise:
        image = Image.frombytes("RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_upload(name: str = "avatar.png", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def jpeg_upload(name: str = "avatar.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG", **kwargs), "image/jpeg")
