"""PUT/DELETE /api/reviews/{id}/like/: likes of someone else's review, and like_count kept exact (also under
concurrent likes on PostgreSQL)."""

import pytest
from django.db import connection

from conftest import authenticated_client
from movies.tests.helpers import assert_error
from reviews.models import Review, ReviewLike
from reviews.services import OWN_REVIEW_LIKE_MESSAGE
from tests.factories import DEFAULT_PASSWORD, ReviewFactory, UserFactory

HUGE_ID = "99999999999999999999"


def like_url(review_id) -> str:
    return f"/api/reviews/{review_id}/like/"


def like_count(review: Review) -> int:
    return Review.objects.values_list("like_count", flat=True).get(pk=review.pk)


def state() -> tuple:
    return sorted(ReviewLike.objects.values_list("user_id", "review_id")), sorted(
        Review.objects.values_list("pk", "like_count")
    )


@pytest.mark.django_db
class TestLiking:
    def test_first_put_is_201_a_repeat_is_200_and_counts_once(self, review, other_user, other_client):
        first = other_client.put(like_url(review.pk))
        second = other_client.put(like_url(review.pk))

        assert first.status_code == 201, first.content
        assert second.status_code == 200, second.content
        assert first.json() == {"review": review.pk, "like_count": 1}
        assert second.json() == {"review": review.pk, "like_count": 1}
        assert list(ReviewLike.objects.values_list("user_id", "review_id")) == [(other_user.pk, review.pk)]
        assert like_count(review) == 1

    def test_like_count_shows_on_the_review_detail_lists_and_movie_reviews(self, review, other_client, admin_client):
        other_client.put(like_url(review.pk))
        admin_client.put(like_url(review.pk))

        assert other_client.get(f"/api/reviews/{review.pk}/").json()["like_count"] == 2
        assert other_client.get("/api/reviews/").json()["results"][0]["like_count"] == 2
        assert other_client.get(f"/api/movies/{review.movie_id}/reviews/").json()["results"][0]["like_count"] == 2

    def test_delete_takes_the_like_back_and_a_repeat_changes_nothing(self, review, other_client, admin_client):
        other_client.put(like_url(review.pk))
        admin_client.put(like_url(review.pk))

        first = other_client.delete(like_url(review.pk))
        second = other_client.delete(like_url(review.pk))

        assert (first.status_code, second.status_code) == (204, 204)
        assert like_count(review) == 1
        assert ReviewLike.objects.count() == 1

    def test_unliking_a_review_never_liked_leaves_the_count_at_zero(self, review, other_client):
        assert other_client.delete(like_url(review.pk)).status_code == 204
        assert like_count(review) == 0

    def test_liking_your_own_review_is_400_and_writes_nothing(self, review, user_client):
        before = state()

        response = user_client.put(like_url(review.pk))

        body = assert_error(response, 400, fields=("review",))
        assert body["errors"]["review"] == [OWN_REVIEW_LIKE_MESSAGE]
        assert state() == before

    def test_an_admin_cannot_like_their_own_review_either(self, admin_user, admin_client, movie):
        review = ReviewFactory(user=admin_user, movie=movie)

        assert_error(admin_client.put(like_url(review.pk)), 400, fields=("review",))
        assert like_count(review) == 0

    def test_anonymous_cannot_like_or_unlike(self, api_client, review, other_client):
        other_client.put(like_url(review.pk))
        before = state()

        for method in ("put", "delete"):
            assert_error(getattr(api_client, method)(like_url(review.pk)), 401, code="not_authenticated")
        assert state() == before

    @pytest.mark.parametrize("review_id", ["987654", HUGE_ID, "0"])
    @pytest.mark.parametrize("method", ["put", "delete"])
    def test_an_unknown_review_is_404(self, review, other_client, review_id, method):
        before = state()

        assert_error(getattr(other_client, method)(like_url(review_id)), 404, code="not_found")
        assert state() == before

    @pytest.mark.parametrize("method", ["get", "post", "patch"])
    def test_other_methods_are_405(self, review, other_client, method):
        assert_error(getattr(other_client, method)(like_url(review.pk)), 405)
        assert like_count(review) == 0

    def test_a_body_cannot_like_on_someone_elses_behalf(self, review, other_user, admin_client):
        response = admin_client.put(like_url(review.pk), {"user": other_user.pk}, format="json")

        assert response.status_code == 201
        assert not ReviewLike.objects.filter(user=other_user).exists()

    def test_deleting_the_review_takes_its_likes_with_it(self, review, user_client, other_client):
        other_client.put(like_url(review.pk))

        assert user_client.delete(f"/api/reviews/{review.pk}/").status_code == 204
        assert not ReviewLike.objects.exists()

    def test_a_liker_who_deletes_their_account_is_taken_off_the_count(self, review, other_user, other_client):
        keeper = UserFactory()
        authenticated_client(keeper).put(like_url(review.pk))
        other_client.put(like_url(review.pk))
        second_review = ReviewFactory()
        other_client.put(like_url(second_review.pk))

        response = other_client.delete("/api/users/me/", {"password": DEFAULT_PASSWORD}, format="json")

        assert response.status_code == 204
        assert (like_count(review), like_count(second_review)) == (1, 0)
        assert list(ReviewLike.objects.values_list("user_id", flat=True)) == [keeper.pk]

    def test_a_like_shows_at_once_with_the_response_cache_on(
        self, settings, api_client, review, other_client, django_capture_on_commit_callbacks
    ):
        settings.RESPONSE_CACHE_SECONDS = 60
        assert api_client.get(f"/api/reviews/{review.pk}/").json()["like_count"] == 0  # Now cached.

        with django_capture_on_commit_callbacks(execute=True):
            other_client.put(like_url(review.pk))

        assert api_client.get(f"/api/reviews/{review.pk}/").json()["like_count"] == 1

    def test_editing_a_review_keeps_its_like_count(self, review, user_client, other_client):
        other_client.put(like_url(review.pk))

        response = user_client.patch(f"/api/reviews/{review.pk}/", {"rating": 2}, format="json")

        assert response.json()["like_count"] == 1
        assert like_count(review) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_twenty_parallel_likes_of_one_review_count_twenty():
    from reviews.tests.test_concurrency import run_at_once

    review = ReviewFactory()
    clients = [authenticated_client(UserFactory()) for _ in range(20)]

    statuses = run_at_once([lambda client=client: client.put(like_url(review.pk)).status_code for client in clients])

    assert statuses == [201] * 20
    assert like_count(review) == 20
    assert ReviewLike.objects.filter(review=review).count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_parallel_likes_and_unlikes_of_one_review_leave_the_exact_count():
    from reviews.tests.test_concurrency import run_at_once

    review = ReviewFactory()
    likers = [authenticated_client(UserFactory()) for _ in range(10)]
    for client in likers[:5]:
        assert client.put(like_url(review.pk)).status_code == 201
    # The first five take theirs back while the other five like, and one of them likes twice at once.
    jobs = [lambda client=client: client.delete(like_url(review.pk)).status_code for client in likers[:5]]
    jobs += [lambda client=client: client.put(like_url(review.pk)).status_code for client in likers[5:]]
    jobs.append(lambda: likers[-1].put(like_url(review.pk)).status_code)

    statuses = run_at_once(jobs)

    assert statuses[:5] == [204] * 5
    assert sorted(statuses[5:]) == [200] + [201] * 5
    assert like_count(review) == 5 == ReviewLike.objects.filter(review=review).count()
