import datetime

import pytest

from movies.tests.helpers import assert_error, days_ago, ids, set_movie_fields
from recommendations.selectors.popular import TOP_RATED_PRIOR_WEIGHT
from recommendations.tests.helpers import add_reviews
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

BASE = "/api/recommendations"
LIST_ENDPOINTS = ["top-rated", "trending", "most-reviewed", "recent"]
ROW_FIELDS = {"id", "title", "release_date", "genres", "poster_url", "avg_rating", "review_count", "score"}


def scores(response) -> list:
    return [row["score"] for row in response.json()]


# --- top-rated -------------------------------------------------------------------------------


@pytest.fixture
def damped_catalogue():
    one_hit = MovieFactory(title="One Hit")
    add_reviews(one_hit, [5])
    beloved = MovieFactory(title="Beloved")
    add_reviews(beloved, [5] * 50 + [4] * 50)  # 100 reviews, mean 4.5
    background = MovieFactory.create_batch(3)
    for movie in background:
        add_reviews(movie, [3] * 20)
    MovieFactory(title="Unreviewed")
    return {"one_hit": one_hit, "beloved": beloved, "background": background}


def test_top_rated_single_five_star_review_does_not_beat_a_hundred_four_and_a_halfs(api_client, damped_catalogue):
    one_hit, beloved = damped_catalogue["one_hit"], damped_catalogue["beloved"]
    assert one_hit.avg_rating > beloved.avg_rating  # A plain average would rank the single review first.

    response = api_client.get(f"{BASE}/top-rated/")

    assert response.status_code == 200
    assert ids(response)[:2] == [beloved.pk, one_hit.pk]


def test_top_rated_score_is_the_mean_damped_towards_the_catalogue_mean(api_client, damped_catalogue):
    total_stars = 5 + 450 + 3 * 60
    total_reviews = 1 + 100 + 60
    mean = total_stars / total_reviews
    prior = TOP_RATED_PRIOR_WEIGHT

    rows = {row["id"]: row for row in api_client.get(f"{BASE}/top-rated/").json()}

    assert rows[damped_catalogue["beloved"].pk]["score"] == pytest.approx((prior * mean + 450) / (prior + 100))
    assert rows[damped_catalogue["one_hit"].pk]["score"] == pytest.approx((prior * mean + 5) / (prior + 1))
    assert rows[damped_catalogue["background"][0].pk]["score"] == pytest.approx((prior * mean + 60) / (prior + 20))


def test_top_rated_leaves_out_unreviewed_movies_and_orders_by_score(api_client, damped_catalogue):
    response = api_client.get(f"{BASE}/top-rated/", {"limit": 50})

    rows = response.json()
    assert len(rows) == 5
    assert all(row["review_count"] > 0 for row in rows)
    assert scores(response) == sorted(scores(response), reverse=True)
    assert set(rows[0]) == ROW_FIELDS


def test_top_rated_ties_go_to_the_movie_with_more_reviews(api_client):
    few = MovieFactory()
    add_reviews(few, [4, 4])
    many = MovieFactory()
    add_reviews(many, [4] * 6)  # Every review is 4: the damped score is exactly 4 for both.

    response = api_client.get(f"{BASE}/top-rated/")

    assert scores(response) == [pytest.approx(4), pytest.approx(4)]
    assert ids(response) == [many.pk, few.pk]


def test_top_rated_of_an_empty_catalogue_is_empty(api_client, movie):
    response = api_client.get(f"{BASE}/top-rated/")
    assert response.status_code == 200
    assert response.json() == []


# --- trending --------------------------------------------------------------------------------


@pytest.fixture
def trending_catalogue():
    steady = MovieFactory()
    add_reviews(steady, [4] * 3, age=datetime.timedelta(days=2))
    add_reviews(steady, [4] * 10, age=datetime.timedelta(days=30))
    hot = MovieFactory()
    add_reviews(hot, [3] * 5, age=datetime.timedelta(hours=1))
    newcomer = MovieFactory()
    add_reviews(newcomer, [5], age=datetime.timedelta(days=6, hours=23))
    forgotten = MovieFactory()
    add_reviews(forgotten, [5] * 20, age=datetime.timedelta(days=7, hours=1))
    return {"steady": steady, "hot": hot, "newcomer": newcomer, "forgotten": forgotten}


def test_trending_counts_only_reviews_within_the_default_seven_days(api_client, trending_catalogue):
    response = api_client.get(f"{BASE}/trending/")

    assert response.status_code == 200
    c = trending_catalogue
    assert ids(response) == [c["hot"].pk, c["steady"].pk, c["newcomer"].pk]
    assert scores(response) == [5.0, 3.0, 1.0]


def test_trending_window_follows_days(api_client, trending_catalogue):
    c = trending_catalogue
    one_day = api_client.get(f"{BASE}/trending/", {"days": 1})
    month = api_client.get(f"{BASE}/trending/", {"days": 31})

    assert ids(one_day) == [c["hot"].pk]
    assert ids(month) == [c["forgotten"].pk, c["steady"].pk, c["hot"].pk, c["newcomer"].pk]
    assert scores(month) == [20.0, 13.0, 5.0, 1.0]


def test_trending_ties_are_broken_by_movie_id_and_limit_applies(api_client):
    movies = MovieFactory.create_batch(4)
    for movie in movies:
        add_reviews(movie, [4, 4])

    response = api_client.get(f"{BASE}/trending/", {"limit": 3})

    assert ids(response) == [movie.pk for movie in movies[:3]]


# --- most-reviewed and recent -----------------------------------------------------------------


def test_most_reviewed_orders_by_count_then_rating(api_client):
    popular = MovieFactory()
    add_reviews(popular, [2] * 6)
    tie_better = MovieFactory()
    add_reviews(tie_better, [5] * 3)
    tie_worse = MovieFactory()
    add_reviews(tie_worse, [1] * 3)
    MovieFactory()  # No reviews: left out.

    response = api_client.get(f"{BASE}/most-reviewed/")

    assert ids(response) == [popular.pk, tie_better.pk, tie_worse.pk]
    assert scores(response) == [6.0, 3.0, 3.0]
    assert [row["review_count"] for row in response.json()] == [6, 3, 3]


def test_recent_lists_the_newest_created_movies_first_including_unreviewed(api_client):
    movies = MovieFactory.create_batch(4)
    for age, movie in zip([3, 1, 4, 2], movies, strict=True):
        set_movie_fields(movie, created_at=days_ago(age))
    add_reviews(movies[2], [5])

    response = api_client.get(f"{BASE}/recent/", {"limit": 3})

    assert ids(response) == [movies[1].pk, movies[3].pk, movies[0].pk]
    assert scores(response) == [None, None, None]


# --- limit and days --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [*LIST_ENDPOINTS, "dashboard"])
@pytest.mark.parametrize("limit", ["0", "51", "x", "-1", "2.5", "1e3"])
def test_invalid_limit_is_rejected(api_client, endpoint, limit):
    assert_error(api_client.get(f"{BASE}/{endpoint}/", {"limit": limit}), 400, fields=("limit",), code="invalid")


@pytest.mark.parametrize("endpoint", ["trending", "dashboard"])
@pytest.mark.parametrize("days", ["0", "366", "week", "-7"])
def test_invalid_days_is_rejected(api_client, endpoint, days):
    assert_error(api_client.get(f"{BASE}/{endpoint}/", {"days": days}), 400, fields=("days",), code="invalid")


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_limit_defaults_to_ten_and_goes_up_to_fifty(api_client, endpoint):
    for movie in MovieFactory.create_batch(55):
        add_reviews(movie, [4])

    assert len(api_client.get(f"{BASE}/{endpoint}/").json()) == 10
    assert len(api_client.get(f"{BASE}/{endpoint}/", {"limit": 50}).json()) == 50
    assert len(api_client.get(f"{BASE}/{endpoint}/", {"limit": 1}).json()) == 1


def test_days_of_365_is_allowed(api_client):
    movie = MovieFactory()
    add_reviews(movie, [4], age=datetime.timedelta(days=300))
    assert ids(api_client.get(f"{BASE}/trending/", {"days": 365})) == [movie.pk]


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_holds_all_four_lists_equal_to_the_single_endpoints(api_client, trending_catalogue):
    params = {"limit": 2, "days": 31}

    dashboard = api_client.get(f"{BASE}/dashboard/", params)

    assert dashboard.status_code == 200
    body = dashboard.json()
    assert set(body) == {"top_rated", "trending", "most_reviewed", "recent"}
    assert body["top_rated"] == api_client.get(f"{BASE}/top-rated/", {"limit": 2}).json()
    assert body["trending"] == api_client.get(f"{BASE}/trending/", params).json()
    assert body["most_reviewed"] == api_client.get(f"{BASE}/most-reviewed/", {"limit": 2}).json()
    assert body["recent"] == api_client.get(f"{BASE}/recent/", {"limit": 2}).json()
    assert all(len(rows) == 2 for rows in body.values())


@pytest.mark.parametrize("endpoint", [*LIST_ENDPOINTS, "dashboard"])
def test_recommendations_are_read_only(admin_client, endpoint):
    assert_error(admin_client.post(f"{BASE}/{endpoint}/", {}, format="json"), 405, code="method_not_allowed")
