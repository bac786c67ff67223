"""for-you, similar and by-genre over HTTP: freshness, cold start, reasons, caching, permissions, query counts."""

import pytest
from django.core.cache import cache

from conftest import authenticated_client
from core.caching import bump_generation
from movies.models import Movie
from movies.tests.helpers import assert_error
from recommendations.selectors import for_you
from recommendations.selectors.for_you import NOT_BUILT_NOTE, POPULAR_WITH_EVERYONE
from recommendations.serving import served_model
from recommendations.tests.serving_helpers import build, bulk_reviews, bulk_users, ids, make_world
from reviews.models import Review
from tests.factories import GenreFactory, MovieFactory, UserFactory

pytestmark = pytest.mark.django_db

FOR_YOU = "/api/recommendations/for-you/"


def similar_url(movie) -> str:
    return f"/api/movies/{movie.pk if isinstance(movie, Movie) else movie}/similar/"


def by_genre_url(slug: str) -> str:
    return f"/api/recommendations/by-genre/{slug}/"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def built(world):
    build()
    return world


# --- Permissions and validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [FOR_YOU, "/api/users/profile/taste-profile/"])
def test_personal_endpoints_need_a_login(api_client, url):
    assert_error(api_client.get(url), 401)


def test_similar_and_by_genre_are_public(api_client, built):
    assert api_client.get(similar_url(built.space[0])).status_code == 200
    assert api_client.get(by_genre_url("sci-fi")).status_code == 200


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-1"])
@pytest.mark.parametrize(
    "url",
    [
        FOR_YOU,
        "/api/movies/{movie}/similar/",
        "/api/recommendations/by-genre/sci-fi/",
        "/api/users/profile/taste-profile/",
    ],
)
def test_limit_must_be_between_1_and_50(built, url, limit):
    client = authenticated_client(built.space_fans[0])
    response = client.get(url.format(movie=built.space[0].pk), {"limit": limit})
    assert_error(response, 400, fields=("limit",))


def test_unknown_movie_and_genre_are_404(api_client, built):
    assert_error(api_client.get(similar_url(999_999)), 404)
    assert_error(api_client.get(similar_url(2**70)), 404)
    assert_error(api_client.get(by_genre_url("no-such-genre")), 404)


# --- For you ------------------------------------------------------------------------------------------------------


def test_for_you_recommends_the_users_cluster_with_reasons_naming_their_favourites(built):
    fan = built.space_fans[0]
    reviewed = dict(fan.reviews.values_list("movie__title", "rating"))
    unseen_space = {movie.pk for movie in built.space} - set(fan.reviews.values_list("movie_id", flat=True))

    rows = authenticated_client(fan).get(FOR_YOU, {"limit": len(unseen_space)}).json()

    assert {row["id"] for row in rows} == unseen_space
    for row in rows:
        assert row["reason"].startswith("because you liked ")
        named = row["reason"].removeprefix("because you liked ").split(" and ")
        assert named and all(reviewed.get(title, 0) >= 4 for title in named)
        assert row["score"] > 0
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)


def test_new_review_changes_the_next_for_you_at_once(built, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    before = ids(client.get(FOR_YOU))
    target = Movie.objects.get(pk=before[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/reviews/", {"movie": target.pk, "rating": 5}, format="json")
    assert response.status_code == 201

    after = ids(client.get(FOR_YOU))
    assert target.pk not in after
    assert after != before


def test_deleted_review_brings_the_movie_back(built, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    review = fan.reviews.filter(rating__gte=4).first()
    assert review.movie_id not in ids(client.get(FOR_YOU, {"limit": 50}))

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/reviews/{review.pk}/").status_code == 204

    assert review.movie_id in ids(client.get(FOR_YOU, {"limit": 50}))


def test_for_you_is_cached_until_a_review_changes(built, django_assert_num_queries, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    first = client.get(FOR_YOU).json()
    # Behind the services' back: no generation moves, so the cached list stands.
    Movie.objects.update(title="Renamed")
    with django_assert_num_queries(2):  # the login, and what the user did with the listed films
        assert client.get(FOR_YOU).json() == first

    # Anybody's review starts a new cache generation: lists and the movie summaries in them are computed anew.
    with django_capture_on_commit_callbacks(execute=True):
        authenticated_client(UserFactory()).post("/api/reviews/", {"movie": built.space[0].pk, "rating": 3})
    assert "Renamed" in str(client.get(FOR_YOU).json())


def test_a_rebuild_is_picked_up_by_the_cache_key(built, monkeypatch):
    scored_with = []
    score = for_you.personal_picks

    def recording(model, *args, **kwargs):
        scored_with.append(model.version_id)
        return score(model, *args, **kwargs)

    monkeypatch.setattr(for_you, "personal_picks", recording)
    client = authenticated_client(built.space_fans[0])
    client.get(FOR_YOU)
    client.get(FOR_YOU)  # cached
    first = served_model().version_id

    second = build()
    client.get(FOR_YOU)

    assert scored_with == [first, second.pk]


def test_cold_start_uses_preferred_genres_then_popularity(built):
    newcomer = UserFactory()
    romance = built.romance[0].genres.get()
    newcomer.preferred_genres.set([romance])

    rows = authenticated_client(newcomer).get(FOR_YOU, {"limit": 12}).json()

    romance_ids = {movie.pk for movie in built.romance}
    assert [row["id"] for row in rows[:8]] == list(
        Movie.objects.filter(pk__in=romance_ids)
        .order_by("-review_count", "-avg_rating", "pk")
        .values_list("pk", flat=True)
    )
    assert all(row["reason"] == "popular in Romance" for row in rows[:8])
    assert all(row["reason"] == POPULAR_WITH_EVERYONE for row in rows[8:])
    assert {row["id"] for row in rows[8:]} <= {movie.pk for movie in built.space}
    assert all(row["score"] is None for row in rows)


def test_cold_start_without_preferences_is_popular_with_everyone(built):
    rows = authenticated_client(UserFactory()).get(FOR_YOU, {"limit": 5}).json()
    expected = Movie.objects.order_by("-review_count", "-avg_rating", "pk").values_list("pk", flat=True)[:5]
    assert [row["id"] for row in rows] == list(expected)
    assert {row["reason"] for row in rows} == {POPULAR_WITH_EVERYONE}


def test_before_any_build_for_you_falls_back_to_popularity_and_says_so(world):
    fan = world.space_fans[0]
    rows = authenticated_client(fan).get(FOR_YOU).json()
    assert rows
    assert {row["reason"] for row in rows} == {POPULAR_WITH_EVERYONE + NOT_BUILT_NOTE}
    assert not {row["id"] for row in rows} & set(fan.reviews.values_list("movie_id", flat=True))


def test_movie_deleted_after_the_build_is_replaced_from_popularity(built, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    first = ids(client.get(FOR_YOU, {"limit": 3}))
    with django_capture_on_commit_callbacks(execute=True):
        assert authenticated_client(UserFactory(is_staff=True)).delete(f"/api/movies/{first[0]}/").status_code == 204

    after = ids(client.get(FOR_YOU, {"limit": 3}))
    assert len(after) == 3 and first[0] not in after


@pytest.mark.parametrize(("rating", "verb"), [(4.5, "liked"), (3.5, "liked"), (2.5, "watched")])
def test_half_star_reviews_feed_for_you_and_its_reasons(built, django_capture_on_commit_callbacks, rating, verb):
    newcomer = UserFactory()
    client = authenticated_client(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        for movie in built.space[:3]:
            assert client.post("/api/reviews/", {"movie": movie.pk, "rating": rating}, format="json").status_code == 201

    rows = client.get(FOR_YOU, {"limit": 3}).json()

    assert {row["id"] for row in rows} <= {movie.pk for movie in built.space[3:]}
    assert all(row["reason"].startswith(f"because you {verb} Orbit ") for row in rows)


# --- Similar ------------------------------------------------------------------------------------------------------


def test_similar_lists_stored_neighbours_closest_first(api_client, built):
    rows = api_client.get(similar_url(built.space[0]), {"limit": 5}).json()
    assert len(rows) == 5
    assert {row["id"] for row in rows} <= {movie.pk for movie in built.space[1:]}
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)


def test_similar_leaves_out_movies_the_user_reviewed(built, django_capture_on_commit_callbacks):
    fan = built.space_fans[0]
    client = authenticated_client(fan)
    movie = next(movie for movie in built.space if not fan.reviews.filter(movie=movie).exists())
    reviewed = set(fan.reviews.values_list("movie_id", flat=True))

    rows = ids(client.get(similar_url(movie), {"limit": 50}))
    assert rows and not set(rows) & reviewed

    newly = rows[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/reviews/", {"movie": newly, "rating": 3}, format="json")
    assert newly not in ids(client.get(similar_url(movie), {"limit": 50}))


def test_similar_before_any_build_is_empty_not_an_error(api_client, world):
    assert api_client.get(similar_url(world.space[0])).json() == []


# --- By genre -----------------------------------------------------------------------------------------------------


def test_by_genre_ranks_by_damped_mean_for_anonymous_users(api_client):
    genre = GenreFactory(name="Noir", slug="noir")
    one_perfect, many_good, unrated = MovieFactory.create_batch(3, genres=[genre])
    poor = MovieFactory(genres=["Other"])
    users = bulk_users(30)
    # Catalogue mean ~3.0: one 5-star review lifts a movie less than thirty 4-star ones.
    bulk_reviews(
        [(users[0], one_perfect, 5)] + [(user, many_good, 4) for user in users] + [(user, poor, 2) for user in users]
    )

    rows = api_client.get(by_genre_url("noir")).json()

    assert [row["id"] for row in rows] == [many_good.pk, one_perfect.pk, unrated.pk]
    assert rows[0]["score"] > rows[1]["score"]


def test_by_genre_is_personalised_and_skips_reviewed_movies_when_logged_in(built, api_client):
    fan = built.space_fans[0]
    # A space fan's collaborative scores favour the romance their fellow fans also watched.
    favourite = built.romance[0]
    bulk_reviews([(other, favourite, 5) for other in built.space_fans[1:] if not other.reviews.filter(movie=favourite)])
    Review.objects.filter(user=fan, movie__in=built.romance).delete()
    build()
    cache.clear()

    anonymous = ids(api_client.get(by_genre_url("romance"), {"limit": 8}))
    personal = ids(authenticated_client(fan).get(by_genre_url("romance"), {"limit": 8}))

    assert personal[0] == favourite.pk
    assert sorted(anonymous) == sorted(personal) == sorted(movie.pk for movie in built.romance)
    reviewed = fan.reviews.values_list("movie_id", flat=True)
    assert not set(ids(authenticated_client(fan).get(by_genre_url("sci-fi"), {"limit": 50}))) & set(reviewed)


# --- Query counts -------------------------------------------------------------------------------------------------

# A computed (uncached) response. Each authenticated request starts with the login query and ends with one query
# for what the user did with the listed films (``viewer``).
# for-you: the user's reviews, the picked movies, their genres.
# similar: its neighbour rows, those movies, their genres (+ the user's reviewed ids).
# by-genre: the genre, the catalogue mean, the genre's pool, those movies, their genres (+ the user's reviews).
EXPECTED_QUERIES = {
    ("for-you", True): 5,
    ("similar", False): 3,
    ("similar", True): 6,
    ("by-genre", False): 5,
    ("by-genre", True): 8,
}


@pytest.mark.parametrize("limit", [2, 7])
@pytest.mark.parametrize(("endpoint", "logged_in"), list(EXPECTED_QUERIES))
def test_query_count_is_fixed_whatever_the_limit(
    built, api_client, django_assert_num_queries, endpoint, logged_in, limit
):
    # for-you: a fan with enough unseen movies of their kind; similar and by-genre: a reader of one romance.
    user = built.space_fans[0] if endpoint == "for-you" else UserFactory()
    bulk_reviews([(user, built.romance[-1], 5)])
    client = authenticated_client(user) if logged_in else api_client
    url = {"for-you": FOR_YOU, "similar": similar_url(built.space[0]), "by-genre": by_genre_url("romance")}[endpoint]
    client.get(by_genre_url("sci-fi"))  # loads the model and the active version, as a warm worker has them
    bump_generation()  # every list is computed afresh; the model and the active version stay loaded

    with django_assert_num_queries(EXPECTED_QUERIES[endpoint, logged_in]):
        response = client.get(url, {"limit": limit})

    assert len(response.json()) == limit
