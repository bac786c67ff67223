from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from recommendations.selectors.common import movie_summary_memo
from recommendations.serving import forget_served_model
from tests.factories import MovieFactory, ReviewFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _a_cache_database_per_process(worker_id):
    """Under pytest-xdist every process clears the cache between tests, and clearing Redis flushes the whole
    database: so each process's caches (every alias on Redis: the default and the throttles') live in a database
    of its own, gw0 in REDIS_URL's, gw1 in the next."""
    if worker_id == "master":
        yield
        return
    offset = int(worker_id.removeprefix("gw"))
    caches = {alias: _moved(config, offset) for alias, config in django_settings.CACHES.items()}
    with override_settings(CACHES=caches):
        yield


def _moved(config: dict, offset: int) -> dict:
    if not config["BACKEND"].endswith("RedisCache"):
        return config
    location = urlsplit(config["LOCATION"])
    database = int(location.path.strip("/") or 0) + offset
    return {**config, "LOCATION": location._replace(path=f"/{database}").geturl()}


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Whole-response caching has its own tests (core/tests/test_response_cache.py); elsewhere every
    # request exercises the real read path.
    settings.RESPONSE_CACHE_SECONDS = 0
    # The popular lists are ranked on every read (exact at once after a write); their stored rankings have their own
    # tests (recommendations/tests/test_popular_stored.py).
    settings.POPULAR_FIGURES_REFRESH_SECONDS = 0
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
