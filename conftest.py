import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from recommendations.selectors.common import movie_summary_memo
from recommendations.serving import forget_served_model
from tests.factories import MovieFactory, ReviewFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Whole-response caching has its own tests (core/tests/test_response_cache.py); elsewhere every
    # request exercises the real read path.
    settings.RESPONSE_CACHE_SECONDS = 0
    # Each test builds into its own directory, and no process-wide recommender model outlives a test.
    settings.RECOMMENDER_MODEL_DIR = tmp_path / "recommender"
    settings.RECOMMENDER_VERSION_CHECK_SECONDS = 0
    forget_served_model()
    cache.clear()
    movie_summary_memo.clear()
    yield
    cache.clear()
    forget_served_model()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def authenticated_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def user_client(user) -> APIClient:
    return authenticated_client(user)


@pytest.fixture
def other_client(other_user) -> APIClient:
    return authenticated_client(other_user)


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    return authenticated_client(admin_user)


@pytest.fixture
def movie(db):
    return MovieFactory()


@pytest.fixture
def review(db, user, movie):
    return ReviewFactory(user=user, movie=movie)
