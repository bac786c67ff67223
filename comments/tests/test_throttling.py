"""Comment writes are throttled per member (scope "comments", THROTTLE_COMMENTS); reads are not."""

import pytest
from django.conf import settings as django_settings

from comments.models import Comment
from comments.tests.utils import COMMENTER, OTHER, World, comment_url, make_world, review_comments_url, snapshot
from core.throttling import CommentRateThrottle

LIMIT = 3


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def comment_limit(settings):
    rest_framework = settings.REST_FRAMEWORK
    rates = {**rest_framework["DEFAULT_THROTTLE_RATES"], "comments": f"{LIMIT}/minute"}
    settings.REST_FRAMEWORK = {**rest_framework, "DEFAULT_THROTTLE_RATES": rates}
    return LIMIT


def test_the_rate_comes_from_the_settings():
    assert CommentRateThrottle().rate == django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["comments"]
    assert CommentRateThrottle().scope == "comments"


def test_writes_past_the_limit_are_429_with_the_error_body_and_write_nothing(world, comment_limit):
    client = world.client(COMMENTER)
    url = review_comments_url(world.review.pk)
    for n in range(comment_limit):
        assert client.post(url, {"body": f"n{n}"}, format="json").status_code == 201
    before = snapshot()

    response = client.post(url, {"body": "one too many"}, format="json")

    assert response.status_code == 429
    body = response.json()
    assert (body["status"], body["code"]) == (429, "throttled")
    assert body["detail"].startswith("Request was throttled.")
    assert 0 < int(response["Retry-After"]) <= 60
    assert snapshot() == before


def test_edits_and_deletes_count_as_writes(world, comment_limit):
    client = world.client(COMMENTER)
    url = comment_url(world.on_review.pk)
    for n in range(comment_limit):
        assert client.patch(url, {"body": f"edit {n}"}, format="json").status_code == 200

    assert client.delete(url).status_code == 429
    assert Comment.objects.filter(pk=world.on_review.pk).exists()


def test_reads_are_not_counted_and_the_limit_is_per_member(world, comment_limit):
    client = world.client(COMMENTER)
    url = review_comments_url(world.review.pk)
    for _ in range(comment_limit + 2):
        assert client.get(url).status_code == 200
    for n in range(comment_limit):
        assert client.post(url, {"body": f"n{n}"}, format="json").status_code == 201
    assert client.post(url, {"body": "too many"}, format="json").status_code == 429

    assert world.client(OTHER).post(url, {"body": "mine"}, format="json").status_code == 201
    assert client.get(url).status_code == 200
