import pytest

from accounts.tests.utils import png_upload


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a per-test directory instead of the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def user_with_avatar(user, media_root):
    user.avatar.save("original.png", png_upload(), save=True)
    return user
