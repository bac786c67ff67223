"""Avatar upload through PATCH /api/users/me/ (multipart)."""

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from accounts.tests.utils import ME_URL, assert_error, image_bytes, jpeg_upload, png_upload, profile_url, upload

User = get_user_model()

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> list[str]:
    directory = media_root / "avatars"
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize(
    ("make_upload", "suffix", "image_format"), [(png_upload, ".png", "PNG"), (jpeg_upload, ".jpg", "JPEG")]
)
def test_user_can_upload_png_or_jpeg_avatar(user_client, user, media_root, make_upload, suffix, image_format):
    response = user_client.patch(ME_URL, {"avatar": make_upload()}, format="multipart")

    assert response.status_code == 200
    url = response.json()["avatar"]
    assert url.startswith("http://testserver/media/avatars/avatar")
    assert url.endswith(suffix)
    user.refresh_from_db()
    assert user.avatar.name.startswith("avatars/avatar")
    with Image.open(media_root / user.avatar.name) as stored:
        assert stored.format == image_format


def test_avatar_url_is_absolute_on_me_and_public_profile(user_client, user_with_avatar):
    me = user_client.get(ME_URL).json()
    profile = user_client.get(profile_url(user_with_avatar.username)).json()

    assert me["avatar"] == f"http://testserver/media/{user_with_avatar.avatar.name}"
    assert profile["avatar"] == me["avatar"]


def test_avatar_and_text_fields_can_change_together(user_client, user, media_root):
    response = user_client.patch(ME_URL, {"avatar": png_upload(), "bio": "with a face"}, format="multipart")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.bio == "with a face"
    assert user.avatar.name


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("avatar.png", b"this is not an image at all", "image/png"),
        ("avatar.txt", b"plain text", "text/plain"),
        ("avatar.png", image_bytes("PNG")[:40], "image/png"),  # truncated
    ],
)
def test_non_image_avatar_is_rejected(user_client, user, media_root, name, content, content_type):
    response = user_client.patch(ME_URL, {"avatar": upload(name, content, content_type)}, format="multipart")

    assert_error(response, 400, fields={"avatar"})
    user.refresh_from_db()
    assert user.avatar.name == ""
    assert stored_files(media_root) == []


def test_image_in_a_disallowed_format_is_rejected(user_client, user, media_root):
    response = user_client.patch(
        ME_URL, {"avatar": upload("a.bmp", image_bytes("BMP"), "image/bmp")}, format="multipart"
    )

    body = assert_error(response, 400, fields={"avatar"})
    assert body["errors"]["avatar"] == ["Avatar must be one of GIF, JPEG, PNG, WEBP, got BMP."]
    user.refresh_from_db()
    assert user.avatar.name == ""


def test_avatar_larger_than_the_limit_is_rejected(user_client, user, media_root, settings):
    settings.AVATAR_MAX_BYTES = 200
    content = image_bytes("PNG", size=(32, 32), noise=True)
    assert len(content) > 200

    response = user_client.patch(ME_URL, {"avatar": upload("big.png", content, "image/png")}, format="multipart")

    body = assert_error(response, 400, fields={"avatar"})
    assert body["errors"]["avatar"] == ["Avatar must be at most 200 bytes."]
    user.refresh_from_db()
    assert user.avatar.name == ""
    assert stored_files(media_root) == []


def test_avatar_exactly_at_the_limit_is_accepted(user_client, user, media_root, settings):
    content = image_bytes("PNG")
    settings.AVATAR_MAX_BYTES = len(content)

    response = user_client.patch(ME_URL, {"avatar": upload("edge.png", content, "image/png")}, format="multipart")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.avatar.size == len(content)


def test_replacing_avatar_deletes_the_old_file(
    user_client, user_with_avatar, media_root, django_capture_on_commit_callbacks
):
    old_path = media_root / user_with_avatar.avatar.name
    assert old_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.patch(ME_URL, {"avatar": png_upload("new.png")}, format="multipart")

    assert response.status_code == 200
    user_with_avatar.refresh_from_db()
    assert user_with_avatar.avatar.name.startswith("avatars/new")
    assert not old_path.exists()
    assert (media_root / user_with_avatar.avatar.name).exists()


def test_rejected_replacement_keeps_the_old_avatar(
    user_client, user_with_avatar, media_root, django_capture_on_commit_callbacks
):
    old_name = user_with_avatar.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.patch(ME_URL, {"avatar": upload("x.png", b"nope", "image/png")}, format="multipart")

    assert response.status_code == 400
    user_with_avatar.refresh_from_db()
    assert user_with_avatar.avatar.name == old_name
    assert (media_root / old_name).exists()


def test_user_can_remove_avatar_with_null(
    user_client, user_with_avatar, media_root, django_capture_on_commit_callbacks
):
    old_path = media_root / user_with_avatar.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.patch(ME_URL, {"avatar": None}, format="json")

    assert response.status_code == 200
    assert response.json()["avatar"] is None
    user_with_avatar.refresh_from_db()
    assert user_with_avatar.avatar.name == ""
    assert not old_path.exists()


def test_editing_other_fields_keeps_the_avatar_file(
    user_client, user_with_avatar, media_root, django_capture_on_commit_callbacks
):
    path = media_root / user_with_avatar.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        assert user_client.patch(ME_URL, {"bio": "new bio"}, format="json").status_code == 200

    user_with_avatar.refresh_from_db()
    assert path.exists()
    assert user_with_avatar.avatar.name == str(path.relative_to(media_root))
