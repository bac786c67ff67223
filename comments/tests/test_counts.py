"""comment_count on reviews and lists: visible comments, exact after every write, shown on review reads at once."""

import pytest
from rest_framework.test import APIClient

from comments import services
from comments.tests.utils import COMMENTER, OWNER, World, assert_counts_exact, comment_url, make_world
from tests.factories import ReviewFactory, UserFactory


@pytest.fixture
def world(db) -> World:
    return make_world()


def test_the_world_starts_with_exact_counts(world):
    assert_counts_exact()
    assert world.review.__class__.objects.get(pk=world.review.pk).comment_count == 2


def test_comment_count_shows_on_every_review_read(world):
    anonymous = APIClient()
    other_review = ReviewFactory(movie=world.review.movie)

    rows = {row["id"]: row for row in anonymous.get(f"/api/movies/{world.review.movie_id}/reviews/").json()["results"]}

    assert {pk: row["comment_count"] for pk, row in rows.items()} == {world.review.pk: 2, other_review.pk: 0}
    assert anonymous.get(f"/api/reviews/{world.review.pk}/").json()["comment_count"] == 2
    assert anonymous.get("/api/reviews/", {"user": world.owner.username}).json()["results"][0]["comment_count"] == 2
    hidden = world.client(OWNER).get(f"/api/reviews/{world.hidden_review.pk}/").json()
    assert hidden["comment_count"] == 1


def test_a_new_comment_shows_in_the_cached_review_read_at_once(world, settings, django_capture_on_commit_callbacks):
    settings.RESPONSE_CACHE_SECONDS = 60
    url = f"/api/reviews/{world.review.pk}/"
    assert APIClient().get(url).json()["comment_count"] == 2  # Now cached.

    with django_capture_on_commit_callbacks(execute=True):
        world.client(COMMENTER).post(f"{url}comments/", {"body": "More."}, format="json")
    assert APIClient().get(url).json()["comment_count"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        world.client(COMMENTER).delete(comment_url(world.on_review.pk))
    assert APIClient().get(url).json()["comment_count"] == 2


def test_services_keep_counts_exact_through_a_mixed_sequence(db):
    review = ReviewFactory()
    members = UserFactory.create_batch(3)
    comments = [services.comment_create(author=member, review=review, body="x") for member in members]
    services.comment_hide(comment=comments[0])
    services.comment_delete(comment=comments[0])  # Hidden: the count does not move again.
    services.comment_hide(comment=comments[1])
    services.comment_unhide(comment=comments[1])
    assert services.comment_delete(comment=comments[2]) is True
    assert services.comment_delete(comment=comments[2]) is False  # Gone already: nothing changes.

    review.refresh_from_db()
    assert review.comment_count == 1
    assert_counts_exact()


def test_a_comment_is_on_exactly_one_thing(world):
    with pytest.raises(ValueError):
        services.comment_create(author=world.owner, body="x")
    with pytest.raises(ValueError):
        services.comment_create(author=world.owner, body="x", review=world.review, film_list=world.public_list)
    assert_counts_exact()
