import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.utils import image_bytes
from accounts.validators import RESERVED_USERNAMES, validate_avatar, validate_username_not_reserved


def uploaded(content: bytes, name: str = "a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_validate_avatar_accepts_allowed_formats_and_rewinds(image_format):
    file = uploaded(image_bytes(image_format))
    file.seek(3)

    validate_avatar(file)

    assert file.tell() == 3  # left where it was, so the upload can still be saved whole


@pytest.mark.parametrize("image_format", ["BMP", "TIFF", "ICO"])
def test_validate_avatar_rejects_other_image_formats(image_format):
    with pytest.raises(ValidationError, match=f"got {image_format}"):
        validate_avatar(uploaded(image_bytes(image_format)))


@pytest.mark.parametrize("content", [b"", b"GIF89a-not-really", image_bytes("PNG")[:60]])
def test_validate_avatar_rejects_non_images_and_rewinds(content):
    file = uploaded(content)

    with pytest.raises(ValidationError, match="valid image"):
        validate_avatar(file)

    assert file.tell() == 0


@pytest.mark.parametrize(("limit", "shown"), [(100, "100 bytes"), (5 * 1024 * 1024, "5.0 MB")])
def test_validate_avatar_rejects_files_over_the_limit_with_readable_message(settings, limit, shown):
    settings.AVATAR_MAX_BYTES = limit
    file = uploaded(b"x" * (limit + 1))

    with pytest.raises(ValidationError) as raised:
        validate_avatar(file)

    assert raised.value.messages == [f"Avatar must be at most {shown}."]


def test_validate_avatar_checks_size_before_opening(settings):
    settings.AVATAR_MAX_BYTES = 10
    file = io.BytesIO(b"x" * 11)
    file.size = 11

    with pytest.raises(ValidationError, match="at most"):
        validate_avatar(file)

    assert file.tell() == 0


def test_validate_avatar_rejects_decompression_bombs(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)  # an 8x8 image is now "too many pixels" x2+

    with pytest.raises(ValidationError, match="valid image"):
        validate_avatar(uploaded(image_bytes("PNG")))


def test_validate_avatar_skips_files_already_in_storage(settings):
    class StoredFile:
        _committed = True
        size = 10**9  # would fail every check if it were inspected

    settings.AVATAR_MAX_BYTES = 1
    validate_avatar(StoredFile())


@pytest.mark.parametrize("name", [*sorted(RESERVED_USERNAMES), "Me", "ADMIN"])
def test_reserved_usernames_are_rejected_in_any_case(name):
    with pytest.raises(ValidationError, match="reserved"):
        validate_username_not_reserved(name)


@pytest.mark.parametrize("name", ["meme", "admin2", "apiary", "tokenizer"])
def test_names_merely_containing_reserved_words_are_allowed(name):
    validate_username_not_reserved(name)
