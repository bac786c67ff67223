import datetime

import pytest

from conftest import authenticated_client
from movies.models import Movie
from movies.ratings import RATING_KEYS, no_ratings
from movies.tests.helpers import assert_error
from reviews.models import Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail_url(pk) -> str:
    return f"/api/movies/{pk}/"


NEW_MOVIE = {
    "title": "  Arrival  ",
    "description": "Linguist meets heptapods.",
    "release_date": "2016-11-11",
    "runtime": 116,
    "poster_url": "https://image.tmdb.org/t/p/w500/arrival.jpg",
    "tmdb_id": 329865,
    "imdb_id": "tt2543164",
    "budget": 47000000,
}


# --- Detail ----------------------------------------------------------------------------------


def test_detail_returns_the_movie_and_its_rating_distribution(api_client, movie):
    for rating in [5, 5, 3, 1, 5]:
        ReviewFactory(movie=movie, rating=rating)
    ReviewFactory(rating=2)  # Another movie's review must not be counted.

    response = api_client.get(detail_url(movie.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == movie.pk
    assert body["title"] == movie.title
    assert body["rating_distribution"] == {**no_ratings(), "1": 1, "3": 1, "5": 3}
    assert body["review_count"] == 5
    assert body["avg_rating"] == pytest.approx(19 / 5)


def test_detail_of_unreviewed_movie_has_zero_for_every_rating(api_client, movie):
    body = api_client.get(detail_url(movie.pk)).json()
    assert list(body["rating_distribution"].items()) == [(key, 0) for key in RATING_KEYS]
    assert body["avg_rating"] == 0
    assert body["review_count"] == 0


def test_list_rows_do_not_carry_the_distribution(api_client, movie):
    row = api_client.get("/api/movies/").json()["results"][0]
    assert "rating_distribution" not in row
    assert {"id", "title", "avg_rating", "review_count", "genres", "release_date"} <= set(row)


@pytest.mark.parametrize("pk", ["999999", str(2**63 + 5)])
def test_unknown_movie_is_a_json_404(api_client, movie, pk):
    assert_error(api_client.get(detail_url(pk)), 404, code="not_found")


@pytest.mark.parametrize("pk", ["abc", "1.5", "-1", "1e3"])
def test_non_numeric_movie_id_is_a_json_404(api_client, movie, pk):
    response = api_client.get(detail_url(pk))
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


# --- Create ----------------------------------------------------------------------------------


def test_admin_creates_a_movie(admin_client):
    response = admin_client.post("/api/movies/", NEW_MOVIE, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    movie = Movie.objects.get(pk=body["id"])
    assert movie.title == body["title"] == "Arrival"  # Surrounding whitespace is trimmed.
    assert movie.release_date == datetime.date(2016, 11, 11)
    assert movie.runtime == 116
    assert movie.tmdb_id == 329865
    assert movie.avg_rating == 0 and movie.review_count == 0
    assert body["avg_rating"] == 0 and body["review_count"] == 0


def test_create_needs_only_a_title(admin_client):
    response = admin_client.post("/api/movies/", {"title": "Untitled Project"}, format="json")
    assert response.status_code == 201
    movie = Movie.objects.get()
    assert (movie.title, movie.release_date, movie.tmdb_id) == ("Untitled Project", None, None)
    assert not movie.genres.exists()


def test_aggregates_sent_on_create_are_ignored(admin_client):
    payload = {**NEW_MOVIE, "avg_rating": 5, "review_count": 1000}

    response = admin_client.post("/api/movies/", payload, format="json")

    assert response.status_code == 201
    movie = Movie.objects.get(pk=response.json()["id"])
    assert movie.avg_rating == 0
    assert movie.review_count == 0


def test_unknown_field_is_rejected_on_create(admin_client):
    response = admin_client.post("/api/movies/", {**NEW_MOVIE, "director": "Villeneuve"}, format="json")
    body = assert_error(response, 400, fields=("director",))
    assert body["errors"]["director"] == ["Unknown field."]
    assert not Movie.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 256),
        ("runtime", 2001),
        ("runtime", -1),
        ("budget", -5),
        ("release_date", "2016-13-45"),
        ("poster_url", "not a url"),
        ("poster_url", "https://img.example.com/arrival.jpg"),
        ("backdrop_url", "http://image.tmdb.org/t/p/w1280/arrival.jpg"),
    ],
)
def test_invalid_movie_field_is_rejected(admin_client, field, value):
    response = admin_client.post("/api/movies/", {**NEW_MOVIE, field: value}, format="json")
    assert_error(response, 400, fields=(field,))
    assert not Movie.objects.exists()


def test_a_movie_keeps_its_image_url_from_elsewhere_when_it_is_sent_back_unchanged(admin_client):
    movie = MovieFactory(poster_url="https://images.example.test/t/p/w500/a.jpg")
    body = admin_client.get(f"/api/movies/{movie.pk}/").json()

    response = admin_client.put(f"/api/movies/{movie.pk}/", {"title": "Again", "poster_url": body["poster_url"]})

    assert response.status_code == 200
    assert Movie.objects.get(pk=movie.pk).poster_url == "https://images.example.test/t/p/w500/a.jpg"


def test_missing_title_is_rejected(admin_client):
    payload = {key: value for key, value in NEW_MOVIE.items() if key != "title"}
    assert_error(admin_client.post("/api/movies/", payload, format="json"), 400, fields=("title",))


@pytest.mark.parametrize("field", ["tmdb_id", "movielens_id"])
def test_duplicate_external_id_is_rejected(admin_client, field):
    MovieFactory(**{field: 42})
    response = admin_client.post("/api/movies/", {"title": "Copy", field: 42}, format="json")
    assert_error(response, 400, fields=(field,))
    assert Movie.objects.filter(**{field: 42}).count() == 1


# --- Update ----------------------------------------------------------------------------------


def test_admin_replaces_a_movie_with_put(admin_client, movie):
    response = admin_client.put(detail_url(movie.pk), NEW_MOVIE, format="json")

    assert response.status_code == 200, response.content
    movie.refresh_from_db()
    assert movie.title == "Arrival"
    assert response.json()["title"] == "Arrival"


def test_put_without_title_is_rejected(admin_client, movie):
    response = admin_client.put(detail_url(movie.pk), {"runtime": 99}, format="json")
    assert_error(response, 400, fields=("title",))
    movie.refresh_from_db()
    assert movie.runtime == 110


def test_admin_patches_one_field_and_keeps_the_rest(admin_client, movie):
    original_title = movie.title

    response = admin_client.patch(detail_url(movie.pk), {"runtime": 97}, format="json")

    assert response.status_code == 200
    movie.refresh_from_db()
    assert movie.runtime == 97
    assert movie.title == original_title


def test_aggregates_cannot_be_overwritten_by_patch(admin_client, movie):
    ReviewFactory(movie=movie, rating=2)

    response = admin_client.patch(detail_url(movie.pk), {"avg_rating": 5, "review_count": 99}, format="json")

    assert response.status_code == 200
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (2, 1)
    assert (response.json()["avg_rating"], response.json()["review_count"]) == (2, 1)


def test_unknown_field_is_rejected_on_patch(admin_client, movie):
    response = admin_client.patch(detail_url(movie.pk), {"title": "New", "rating": 5}, format="json")
    assert_error(response, 400, fields=("rating",))
    movie.refresh_from_db()
    assert movie.title != "New"


def test_update_of_unknown_movie_is_404(admin_client, db):
    assert_error(admin_client.patch(detail_url(424242), {"title": "X"}, format="json"), 404)


# --- Delete ----------------------------------------------------------------------------------


def test_admin_deletes_a_movie_and_its_reviews(admin_client, movie):
    ReviewFactory.create_batch(3, movie=movie)
    kept = ReviewFactory()

    response = admin_client.delete(detail_url(movie.pk))

    assert response.status_code == 204
    assert not Movie.objects.filter(pk=movie.pk).exists()
    assert list(Review.objects.values_list("pk", flat=True)) == [kept.pk]


def test_deleting_an_unknown_movie_is_404(admin_client, movie):
    assert_error(admin_client.delete(detail_url(movie.pk + 1000)), 404)
    assert Movie.objects.count() == 1


def test_regular_user_cannot_write_movies(user_client, movie):
    assert_error(user_client.post("/api/movies/", NEW_MOVIE, format="json"), 403, code="permission_denied")
    assert_error(user_client.delete(detail_url(movie.pk)), 403, code="permission_denied")
    assert Movie.objects.count() == 1


def test_anonymous_user_cannot_write_movies(api_client, movie):
    response = api_client.post("/api/movies/", NEW_MOVIE, format="json")
    assert_error(response, 401, code="not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Movie.objects.count() == 1


def test_inactive_staff_token_is_refused(movie):
    staff = UserFactory(is_staff=True, is_active=False)
    response = authenticated_client(staff).delete(detail_url(movie.pk))
    assert response.status_code == 401
    assert Movie.objects.filter(pk=movie.pk).exists()
