"""Reads of reviews that the site shares with the API."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from follows.services import block_create
from reviews.selectors import newest_written_reviews
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_newest_written_reviews_leave_out_ratings_hidden_reviews_and_blocked_authors():
    now = timezone.now()
    viewer, blocked = UserFactory(), UserFactory()
    block_create(blocker=viewer, blocked=blocked)
    written = [ReviewFactory(body=f"text {n}", created_at=now - dt.timedelta(days=n)) for n in range(4)]
    ReviewFactory(body="", created_at=now)  # a rating only
    ReviewFactory(body="hidden", hidden=True, created_at=now)
    ReviewFactory(body="across a block", user=blocked, created_at=now)

    assert newest_written_reviews(viewer, limit=3) == written[:3]
    assert len(newest_written_reviews(AnonymousUser(), limit=10)) == 5  # a visitor is on no side of a block
