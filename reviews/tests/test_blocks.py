"""Blocks on reviews: a like across a block is refused, and review lists leave out the other side's reviews for a
logged-in member. The shared response cache never gives anyone an answer computed for someone else."""

import pytest
from rest_framework.test import APIClient

from conftest import authenticated_client
from follows.services import block_create
from reviews import services
from reviews.models import Review, ReviewLike
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

DIRECTIONS = ["viewer blocked the author", "author blocked the viewer"]


def block(viewer, author, direction: str) -> None:
    if direction == DIRECTIONS[0]:
        block_create(blocker=viewer, blocked=author)
    else:
        block_create(blocker=author, blocked=viewer)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def scene():
    """One movie with reviews by a viewer, by someone on the other side of a block, and by a third member."""
    viewer, apart, third = UserFactory(), UserFactory(), UserFactory()
    movie = MovieFactory()
    reviews = {name: ReviewFactory(user=user, movie=movie) for name, user in [("own", viewer), ("apart", apart)]}
    reviews["third"] = ReviewFactory(user=third, movie=movie)
    return viewer, apart, movie, reviews


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_liking_across_a_block_is_403_blocked_and_writes_nothing(scene, direction):
    viewer, apart, _, reviews = scene
    block(viewer, apart, direction)

    response = authenticated_client(viewer).put(f"/api/reviews/{reviews['apart'].pk}/like/")

    assert response.status_code == 403
    assert response.json()["code"] == "blocked"
    assert not ReviewLike.objects.exists()
    assert Review.objects.get(pk=reviews["apart"].pk).like_count == 0


def test_a_like_made_before_the_block_can_still_be_taken_back(scene):
    viewer, apart, _, reviews = scene
    services.review_like(user=viewer, review=reviews["apart"])
    block(viewer, apart, DIRECTIONS[1])

    assert authenticated_client(viewer).delete(f"/api/reviews/{reviews['apart'].pk}/like/").status_code == 204
    assert Review.objects.get(pk=reviews["apart"].pk).like_count == 0


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_review_lists_leave_out_the_other_side(scene, direction):
    viewer, apart, movie, reviews = scene
    block(viewer, apart, direction)
    expected = sorted([reviews["own"].pk, reviews["third"].pk])

    for client in (authenticated_client(viewer), authenticated_client(apart)):
        seen = sorted(ids(client.get("/api/reviews/")))
        assert sorted(ids(client.get(f"/api/movies/{movie.pk}/reviews/"))) == seen
        assert len(seen) == 2 and reviews["third"].pk in seen
    assert sorted(ids(authenticated_client(viewer).get("/api/reviews/"))) == expected
    # Everyone else sees all three; a review by the other side is still there to open by id.
    assert len(ids(APIClient().get("/api/reviews/"))) == 3
    assert len(ids(authenticated_client(UserFactory()).get(f"/api/movies/{movie.pk}/reviews/"))) == 3
    assert authenticated_client(viewer).get(f"/api/reviews/{reviews['apart'].pk}/").status_code == 200


# --- The shared response cache --------------------------------------------------------------------


@pytest.fixture
def cache_on(settings):
    settings.RESPONSE_CACHE_SECONDS = 60


@pytest.mark.parametrize("path", ["/api/reviews/", "/api/movies/{movie}/reviews/"])
def test_a_member_with_blocks_never_gets_the_shared_answer_nor_leaves_theirs(cache_on, scene, path):
    viewer, apart, movie, reviews = scene
    block(viewer, apart, DIRECTIONS[0])
    url = path.format(movie=movie.pk)
    member = authenticated_client(viewer)

    assert len(ids(APIClient().get(url))) == 3  # Now cached.
    assert reviews["apart"].pk not in ids(member.get(url))
    assert reviews["apart"].pk not in ids(member.get(url))
    assert len(ids(APIClient().get(url))) == 3


@pytest.mark.parametrize("path", ["/api/reviews/", "/api/movies/{movie}/reviews/"])
def test_the_answer_of_a_member_with_blocks_is_not_cached_for_others(cache_on, scene, path):
    viewer, apart, movie, _ = scene
    block(viewer, apart, DIRECTIONS[1])
    url = path.format(movie=movie.pk)

    assert len(ids(authenticated_client(viewer).get(url))) == 2

    assert len(ids(APIClient().get(url))) == 3
    assert len(ids(authenticated_client(UserFactory()).get(url))) == 3


def test_members_without_blocks_share_the_cached_answer(cache_on, scene, django_assert_num_queries):
    member = authenticated_client(UserFactory())
    first = APIClient().get("/api/reviews/")

    with django_assert_num_queries(2):  # The user, whether they have blocks; the page comes from the cache.
        second = member.get("/api/reviews/")

    assert second.json() == first.json()
    with django_assert_num_queries(0):
        assert APIClient().get("/api/reviews/").json() == first.json()


@pytest.mark.parametrize("who", ["author", "admin"])
def test_a_hidden_review_opened_by_its_author_or_an_admin_is_not_cached_for_others(cache_on, admin_user, who):
    review = ReviewFactory()
    services.review_hide(review=review)
    privileged = authenticated_client(review.user if who == "author" else admin_user)
    url = f"/api/reviews/{review.pk}/"

    assert privileged.get(url).status_code == 200
    assert privileged.get(url).status_code == 200

    assert APIClient().get(url).status_code == 404
    assert authenticated_client(UserFactory()).get(url).status_code == 404


def test_hiding_a_cached_review_takes_it_out_of_the_cached_reads(cache_on, django_capture_on_commit_callbacks):
    review = ReviewFactory()
    anonymous = APIClient()
    assert anonymous.get(f"/api/reviews/{review.pk}/").status_code == 200  # Now cached.
    assert ids(anonymous.get("/api/reviews/")) == [review.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.review_hide(review=review)

    assert anonymous.get(f"/api/reviews/{review.pk}/").status_code == 404
    assert ids(anonymous.get("/api/reviews/")) == []
    assert ids(anonymous.get(f"/api/movies/{review.movie_id}/reviews/")) == []


def test_a_visible_review_detail_is_served_from_the_cache_to_everyone(cache_on, django_assert_num_queries):
    review = ReviewFactory()
    member = authenticated_client(UserFactory())
    url = f"/api/reviews/{review.pk}/"
    first = APIClient().get(url)

    with django_assert_num_queries(1):  # The user only.
        assert member.get(url).json() == first.json()
