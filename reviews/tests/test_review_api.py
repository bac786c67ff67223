import pytest

from movies.ratings import RATING_RULE
from movies.tests.helpers import assert_error, days_ago, ids
from reviews.models import Review
from reviews.services import DUPLICATE_REVIEW_MESSAGE
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/reviews/"


def detail_url(pk) -> str:
    return f"{URL}{pk}/"


# --- Reading ---------------------------------------------------------------------------------


def test_anyone_lists_reviews(api_client, review):
    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row == {
        "id": review.pk,
        "user": review.user.username,
        "movie": review.movie_id,
        "movie_title": review.movie.title,
        "rating": review.rating,
        "body": review.body,
        "like_count": 0,
        "comment_count": 0,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def test_anyone_reads_one_review(api_client, review):
    response = api_client.get(detail_url(review.pk))
    assert response.status_code == 200
    assert response.json()["id"] == review.pk


@pytest.mark.parametrize("pk", ["0", "987654", "abc"])
def test_unknown_review_is_json_404(api_client, review, pk):
    assert_error(api_client.get(detail_url(pk)), 404, code="not_found")


# --- Creating --------------------------------------------------------------------------------


def test_logged_in_user_creates_a_review(user_client, user, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": 4, "body": "  Tense and clever.  "}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    review = Review.objects.get(pk=body["id"])
    assert review.user == user
    assert review.movie == movie
    assert review.rating == 4
    assert review.body == "Tense and clever."
    assert body["user"] == user.username
    assert body["movie_title"] == movie.title
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (4, 1)


def test_body_is_optional(user_client, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": 3}, format="json")
    assert response.status_code == 201
    assert Review.objects.get().body == ""


def test_form_encoded_create_works(user_client, user, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": "5"}, format="multipart")
    assert response.status_code == 201
    assert Review.objects.get(user=user).rating == 5


def test_anonymous_user_cannot_create(api_client, movie):
    assert_error(api_client.post(URL, {"movie": movie.pk, "rating": 4}, format="json"), 401)
    assert not Review.objects.exists()


def test_sending_user_is_rejected_and_no_review_is_created(user_client, other_user, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": 4, "user": other_user.username}, format="json")

    body = assert_error(response, 400, fields=("user",))
    assert body["errors"]["user"] == ["Unknown field."]
    assert not Review.objects.exists()


def test_sending_user_id_cannot_impersonate(user_client, user, other_user, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": 4, "user": other_user.pk}, format="json")
    assert response.status_code == 400
    assert not Review.objects.filter(user=other_user).exists()


@pytest.mark.parametrize(
    "rating",
    [0, 0.3, 5.5, 4.25, 6, -1, -0.5, 10**30, "4.25", "five", "abc", "NaN", "inf", "", None, True, False, [4], {"v": 4}],
)
def test_invalid_rating_is_rejected_naming_the_rule(user_client, movie, rating):
    response = user_client.post(URL, {"movie": movie.pk, "rating": rating}, format="json")
    body = assert_error(response, 400, fields=("rating",), code="invalid")
    assert body["errors"]["rating"] == [RATING_RULE]
    assert not Review.objects.exists()
    movie.refresh_from_db()
    assert movie.review_count == 0


@pytest.mark.parametrize(
    ("rating", "stored"),
    [(1, 1.0), (5, 5.0), (4, 4.0), (4.0, 4.0), ("4", 4.0), (" 3 ", 3.0), (0.5, 0.5), (4.5, 4.5), ("2.5", 2.5)],
)
def test_ratings_on_the_half_star_scale_are_accepted(user_client, movie, rating, stored):
    response = user_client.post(URL, {"movie": movie.pk, "rating": rating}, format="json")
    assert response.status_code == 201, response.content
    assert Review.objects.get().rating == stored
    assert response.json()["rating"] == stored


def test_missing_rating_is_rejected(user_client, movie):
    assert_error(user_client.post(URL, {"movie": movie.pk}, format="json"), 400, fields=("rating",))


@pytest.mark.parametrize("movie_value", [None, 0, 999999, "abc", True, 2**70])
def test_invalid_movie_is_rejected(user_client, movie, movie_value):
    response = user_client.post(URL, {"movie": movie_value, "rating": 4}, format="json")
    assert_error(response, 400, fields=("movie",))
    assert not Review.objects.exists()


def test_too_long_body_is_rejected(user_client, movie):
    response = user_client.post(URL, {"movie": movie.pk, "rating": 4, "body": "x" * 10001}, format="json")
    assert_error(response, 400, fields=("body",))


def test_second_review_of_the_same_movie_is_rejected_with_a_clear_message(user_client, user, movie):
    first = user_client.post(URL, {"movie": movie.pk, "rating": 4}, format="json")
    second = user_client.post(URL, {"movie": movie.pk, "rating": 1}, format="json")

    assert first.status_code == 201
    body = assert_error(second, 400, fields=("movie",))
    assert body["errors"]["movie"] == [DUPLICATE_REVIEW_MESSAGE]
    assert DUPLICATE_REVIEW_MESSAGE in body["detail"]
    assert Review.objects.filter(user=user, movie=movie).count() == 1
    assert Review.objects.get(user=user, movie=movie).rating == 4
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (4, 1)


def test_two_users_may_review_the_same_movie(user_client, other_client, movie):
    assert user_client.post(URL, {"movie": movie.pk, "rating": 2}, format="json").status_code == 201
    assert other_client.post(URL, {"movie": movie.pk, "rating": 5}, format="json").status_code == 201
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (3.5, 2)


# --- Updating --------------------------------------------------------------------------------


def test_author_replaces_rating_and_body_with_put(user_client, review):
    response = user_client.put(detail_url(review.pk), {"rating": 1, "body": "Worse the second time."}, format="json")

    assert response.status_code == 200
    assert response.json()["rating"] == 1
    review.refresh_from_db()
    assert (review.rating, review.body) == (1, "Worse the second time.")
    review.movie.refresh_from_db()
    assert (review.movie.avg_rating, review.movie.review_count) == (1, 1)


def test_put_requires_a_rating(user_client, review):
    assert_error(user_client.put(detail_url(review.pk), {"body": "no rating"}, format="json"), 400, fields=("rating",))
    review.refresh_from_db()
    assert review.body != "no rating"


def test_author_patches_the_body_and_keeps_the_rating(user_client, review):
    response = user_client.patch(detail_url(review.pk), {"body": "Edited."}, format="json")

    assert response.status_code == 200
    review.refresh_from_db()
    assert (review.rating, review.body) == (4, "Edited.")


def test_author_patches_the_rating(user_client, review):
    response = user_client.patch(detail_url(review.pk), {"rating": 2}, format="json")
    assert response.status_code == 200
    review.movie.refresh_from_db()
    assert review.movie.avg_rating == 2


@pytest.mark.parametrize("rating", [0, 0.3, 5.5, 4.25, 6, "five", True, None])
def test_invalid_rating_on_update_is_rejected(user_client, review, rating):
    response = user_client.patch(detail_url(review.pk), {"rating": rating}, format="json")
    assert assert_error(response, 400, fields=("rating",))["errors"]["rating"] == [RATING_RULE]
    review.refresh_from_db()
    assert review.rating == 4


@pytest.mark.parametrize("field", ["user", "movie", "id", "created_at"])
def test_update_rejects_fields_that_cannot_change(user_client, review, other_user, field):
    value = {"user": other_user.username, "movie": MovieFactory().pk, "id": 9999, "created_at": "2000-01-01T00:00"}
    response = user_client.patch(detail_url(review.pk), {field: value[field]}, format="json")

    assert_error(response, 400, fields=(field,))
    fresh = Review.objects.get(pk=review.pk)
    assert (fresh.user_id, fresh.movie_id, fresh.created_at) == (review.user_id, review.movie_id, review.created_at)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_another_user_cannot_update(other_client, review, method):
    response = getattr(other_client, method)(detail_url(review.pk), {"rating": 1}, format="json")
    assert_error(response, 403, code="permission_denied")
    review.refresh_from_db()
    assert review.rating == 4


@pytest.mark.parametrize("method", ["put", "patch"])
def test_admin_cannot_update_someone_elses_review(admin_client, review, method):
    response = getattr(admin_client, method)(detail_url(review.pk), {"rating": 1}, format="json")
    assert_error(response, 403)
    review.refresh_from_db()
    assert review.rating == 4


def test_anonymous_cannot_update(api_client, review):
    assert_error(api_client.patch(detail_url(review.pk), {"rating": 1}, format="json"), 401)


# --- Deleting --------------------------------------------------------------------------------


def test_author_deletes_own_review(user_client, review):
    response = user_client.delete(detail_url(review.pk))

    assert response.status_code == 204
    assert not Review.objects.filter(pk=review.pk).exists()
    review.movie.refresh_from_db()
    assert (review.movie.avg_rating, review.movie.review_count) == (0, 0)


def test_admin_deletes_any_review(admin_client, review):
    assert admin_client.delete(detail_url(review.pk)).status_code == 204
    assert not Review.objects.exists()


def test_another_user_cannot_delete(other_client, review):
    assert_error(other_client.delete(detail_url(review.pk)), 403)
    assert Review.objects.filter(pk=review.pk).exists()


def test_deleting_twice_is_404(user_client, review):
    assert user_client.delete(detail_url(review.pk)).status_code == 204
    assert_error(user_client.delete(detail_url(review.pk)), 404)


def test_user_may_review_again_after_deleting(user_client, user, review):
    user_client.delete(detail_url(review.pk))
    response = user_client.post(URL, {"movie": review.movie_id, "rating": 2}, format="json")
    assert response.status_code == 201
    assert Review.objects.get(user=user).rating == 2


# --- Filters and ordering --------------------------------------------------------------------


@pytest.fixture
def catalogue():
    alice = UserFactory(username="Alice")
    bob = UserFactory(username="bob")
    heat = MovieFactory(title="Heat")
    alien = MovieFactory(title="Alien")
    reviews = {
        "alice_heat": ReviewFactory(user=alice, movie=heat, rating=5, body="Great shootout.", created_at=days_ago(3)),
        "alice_alien": ReviewFactory(user=alice, movie=alien, rating=2, body="Too dark.", created_at=days_ago(1)),
        "bob_heat": ReviewFactory(user=bob, movie=heat, rating=3, body="Long.", created_at=days_ago(2)),
        "bob_alien": ReviewFactory(user=bob, movie=alien, rating=4, body="Scary heat vents.", created_at=days_ago(4)),
    }
    return {"heat": heat, "alien": alien, **reviews}


def review_ids(catalogue, *names) -> list[int]:
    return sorted(catalogue[name].pk for name in names)


def test_filter_by_movie(api_client, catalogue):
    response = api_client.get(URL, {"movie": catalogue["heat"].pk})
    assert sorted(ids(response)) == review_ids(catalogue, "alice_heat", "bob_heat")


def test_filter_by_username_ignores_case(api_client, catalogue):
    for spelling in ["alice", "ALICE", "Alice"]:
        assert sorted(ids(api_client.get(URL, {"user": spelling}))) == review_ids(
            catalogue, "alice_heat", "alice_alien"
        )
    assert ids(api_client.get(URL, {"user": "ali"})) == []


def test_filter_by_rating_range(api_client, catalogue):
    assert sorted(ids(api_client.get(URL, {"rating_min": 4}))) == review_ids(catalogue, "alice_heat", "bob_alien")
    assert sorted(ids(api_client.get(URL, {"rating_max": 3}))) == review_ids(catalogue, "alice_alien", "bob_heat")
    assert ids(api_client.get(URL, {"rating_min": 3, "rating_max": 3})) == [catalogue["bob_heat"].pk]


def test_search_matches_body_or_movie_title(api_client, catalogue):
    # "heat" is in two reviews of Heat (by title) and in the body of Bob's Alien review.
    assert sorted(ids(api_client.get(URL, {"search": "HEAT"}))) == review_ids(
        catalogue, "alice_heat", "bob_heat", "bob_alien"
    )
    assert ids(api_client.get(URL, {"search": "too dark"})) == [catalogue["alice_alien"].pk]


def test_filters_combine(api_client, catalogue):
    response = api_client.get(URL, {"user": "bob", "movie": catalogue["alien"].pk, "rating_min": 4})
    assert ids(response) == [catalogue["bob_alien"].pk]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("movie", "abc"),
        ("movie", "0"),
        ("rating_min", "x"),
        ("rating_max", "6"),
        ("rating_min", "0"),
        ("rating_max", "2.25"),
        ("rating_min", "5.5"),
        ("rating_min", "NaN"),
        ("user", "u" * 151),
    ],
)
def test_invalid_filter_is_rejected_naming_the_parameter(api_client, catalogue, param, value):
    assert_error(api_client.get(URL, {param: value}), 400, fields=(param,), code="invalid")


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("created_at", ["bob_alien", "alice_heat", "bob_heat", "alice_alien"]),
        ("-created_at", ["alice_alien", "bob_heat", "alice_heat", "bob_alien"]),
        ("rating", ["alice_alien", "bob_heat", "bob_alien", "alice_heat"]),
        ("-rating", ["alice_heat", "bob_alien", "bob_heat", "alice_alien"]),
        (None, ["alice_alien", "bob_heat", "alice_heat", "bob_alien"]),
    ],
)
def test_ordering(api_client, catalogue, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    assert ids(api_client.get(URL, params)) == [catalogue[name].pk for name in expected]


@pytest.mark.parametrize("ordering", ["movie__title", "user", "body", "popularity"])
def test_unknown_ordering_is_rejected(api_client, catalogue, ordering):
    assert_error(api_client.get(URL, {"ordering": ordering}), 400, fields=("ordering",))


# --- Pagination ------------------------------------------------------------------------------


def test_review_list_is_paginated(api_client):
    reviews = [ReviewFactory(created_at=days_ago(age)) for age in range(7)]

    first = api_client.get(URL, {"page_size": 3})
    last = api_client.get(URL, {"page_size": 3, "page": 3})

    assert first.json()["count"] == 7
    assert ids(first) == [review.pk for review in reviews[:3]]
    assert "page=2" in first.json()["next"]
    assert ids(last) == [reviews[6].pk]
    assert last.json()["next"] is None
    assert_error(api_client.get(URL, {"page_size": 3, "page": 4}), 404, code="not_found")
    assert_error(api_client.get(URL, {"page_size": 0}), 400, fields=("page_size",))
    assert_error(api_client.get(URL, {"page": "x"}), 400, fields=("page",))


def test_empty_patch_changes_nothing(user_client, review):
    body = review.body

    response = user_client.patch(detail_url(review.pk), {}, format="json")

    assert response.status_code == 200
    fresh = Review.objects.get(pk=review.pk)
    assert (fresh.rating, fresh.body) == (4, body)
    assert response.json()["rating"] == 4
