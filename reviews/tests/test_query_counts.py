import pytest

from conftest import authenticated_client
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 25])
def test_review_list_runs_two_queries_whatever_the_page_size(api_client, django_assert_num_queries, size):
    ReviewFactory.create_batch(size)  # A different user and movie for each review.

    with django_assert_num_queries(2):  # COUNT, then the page with user and movie joined.
        response = api_client.get("/api/reviews/", {"page_size": size})

    rows = response.json()["results"]
    assert len(rows) == size
    assert len({row["movie_title"] for row in rows}) == size
    assert len({row["user"] for row in rows}) == size


@pytest.mark.parametrize("size", [5, 25])
def test_filtered_review_list_runs_two_queries(api_client, django_assert_num_queries, size):
    reviews = ReviewFactory.create_batch(size, rating=5)

    with django_assert_num_queries(2):
        response = api_client.get(
            "/api/reviews/", {"page_size": size, "rating_min": 5, "search": "movie", "ordering": "rating"}
        )

    assert response.json()["count"] == len(reviews)


@pytest.mark.parametrize("size", [5, 25])
def test_authenticated_review_list_adds_the_user_and_block_lookups(django_assert_num_queries, size):
    client = authenticated_client(UserFactory())
    ReviewFactory.create_batch(size)

    with django_assert_num_queries(4):  # The user, whether they have blocks, COUNT, the page.
        response = client.get("/api/reviews/", {"page_size": size})

    assert len(response.json()["results"]) == size


def _member_with_blocks(movie=None):
    """A member who blocked one reviewer and was blocked by another."""
    from follows.services import block_create

    member, blocked, blocker = UserFactory.create_batch(3)
    for other in (blocked, blocker):
        ReviewFactory(user=other, **({"movie": movie} if movie else {}))
    block_create(blocker=member, blocked=blocked)
    block_create(blocker=blocker, blocked=member)
    return member


@pytest.mark.parametrize("size", [5, 25])
def test_review_list_for_a_member_with_blocks(django_assert_num_queries, size):
    client = authenticated_client(_member_with_blocks())
    ReviewFactory.create_batch(size)

    with django_assert_num_queries(4):  # The user, whether they have blocks, COUNT, the page (blocks as subqueries).
        response = client.get("/api/reviews/", {"page_size": 100})

    assert response.json()["count"] == size
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [5, 25])
@pytest.mark.parametrize("with_blocks", [False, True])
def test_movie_review_list(api_client, django_assert_num_queries, size, with_blocks):
    from tests.factories import MovieFactory

    movie = MovieFactory()
    client = authenticated_client(_member_with_blocks(movie)) if with_blocks else api_client
    ReviewFactory.create_batch(size, movie=movie)

    # The movie exists, COUNT, the page; for the member also the user and whether they have blocks.
    with django_assert_num_queries(5 if with_blocks else 3):
        response = client.get(f"/api/movies/{movie.pk}/reviews/", {"page_size": 100})

    assert response.json()["count"] == size  # The two reviews by the other side of the blocks are left out.
