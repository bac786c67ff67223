"""The fake TMDB itself, spoken to over real HTTP with plain httpx (no client logic in the way)."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from imports.tests.tmdb_fixtures import ALIEN, FIGHT_CLUB, OBSCURE, numbered_movies, small_catalogue
from tests.fake_tmdb import DEFAULT_API_KEY, DEFAULT_TOKEN, FakeTmdb, Fault, load_imdb_ids, load_movies, run_fake_tmdb

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def app():
    return FakeTmdb(small_catalogue())


@pytest.fixture
def http(app):
    with run_fake_tmdb(app) as base_url, httpx.Client(base_url=base_url + "/", headers=AUTH, timeout=5) as client:
        yield client


def test_base_url_is_loopback_on_an_ephemeral_port(app):
    with run_fake_tmdb(app) as base_url:
        url = httpx.URL(base_url)
        assert url.host == "127.0.0.1"
        assert url.port and url.port > 0
        assert url.path == "/3"


def test_movie_without_append_to_response_has_no_credits_or_keywords(http):
    body = http.get("movie/550").json()

    assert body["title"] == "Fight Club"
    assert "credits" not in body and "keywords" not in body


def test_movie_honours_append_to_response(http):
    body = http.get("movie/550", params={"append_to_response": "credits,keywords"}).json()

    assert body["credits"]["crew"][0]["job"] == "Director"
    assert body["keywords"]["keywords"][0]["name"] == "support group"
    only_credits = http.get("movie/550", params={"append_to_response": "credits"}).json()
    assert "credits" in only_credits and "keywords" not in only_credits


def test_movie_fills_in_fields_real_tmdb_always_sends(http):
    body = http.get("movie/348").json()  # ALIEN has no "adult"/"video"/"belongs_to_collection"

    assert body["adult"] is False and body["video"] is False and body["belongs_to_collection"] is None
    appended = http.get("movie/987654", params={"append_to_response": "credits,keywords"}).json()
    assert appended["credits"] == {"cast": [], "crew": []}
    assert appended["keywords"] == {"keywords": []}


@pytest.mark.parametrize("path", ["movie/1", "movie/abc", "movie/550/nonsense", "tv/1", "nothing"])
def test_unknown_resources_get_tmdbs_404_body(http, path):
    response = http.get(path)

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "status_code": 34,
        "status_message": "The resource you requested could not be found.",
    }


@pytest.mark.parametrize(
    ("headers", "params"),
    [({}, {}), ({"Authorization": "Bearer wrong"}, {}), ({}, {"api_key": "wrong"}), ({"Authorization": "Basic x"}, {})],
)
def test_requests_without_valid_credentials_get_tmdbs_401_body(app, headers, params):
    with run_fake_tmdb(app) as base_url:
        response = httpx.get(f"{base_url}/movie/550", headers=headers, params=params)

    assert response.status_code == 401
    assert response.json()["status_code"] == 7
    assert response.json()["success"] is False


def test_api_key_parameter_is_accepted(app):
    with run_fake_tmdb(app) as base_url:
        response = httpx.get(f"{base_url}/movie/550", params={"api_key": DEFAULT_API_KEY})

    assert response.status_code == 200
    assert app.requests[-1].auth == "api_key"
    assert "api_key" not in app.requests[-1].query


def test_custom_credentials(tmp_path):
    with run_fake_tmdb([FIGHT_CLUB], api_token="t0k", api_key=None) as base_url:
        assert httpx.get(f"{base_url}/movie/550", headers={"Authorization": "Bearer t0k"}).status_code == 200
        assert httpx.get(f"{base_url}/movie/550", params={"api_key": DEFAULT_API_KEY}).status_code == 401


def test_popular_pages_of_twenty_ordered_by_popularity():
    app = FakeTmdb(numbered_movies(45))
    with run_fake_tmdb(app) as base_url, httpx.Client(base_url=base_url + "/", headers=AUTH) as http:
        pages = [http.get("movie/popular", params={"page": n}).json() for n in (1, 2, 3, 4)]

    assert [len(p["results"]) for p in pages] == [20, 20, 5, 0]
    assert all((p["total_pages"], p["total_results"]) == (3, 45) for p in pages)
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    ids = [m["id"] for p in pages for m in p["results"]]
    assert ids == list(range(1, 46))  # popularity descends with the id
    assert set(pages[0]["results"][0]) >= {"id", "title", "release_date", "poster_path", "overview", "genre_ids"}
    assert pages[0]["results"][0]["genre_ids"] == [18]


def test_top_rated_is_ordered_by_vote_average_and_honours_min_votes(http):
    body = http.get("movie/top_rated").json()

    assert [m["id"] for m in body["results"]] == [550, 348, 679, 987654]
    strict = FakeTmdb(small_catalogue(), top_rated_min_votes=10000)
    with run_fake_tmdb(strict) as base_url:
        body = httpx.get(f"{base_url}/movie/top_rated", headers=AUTH).json()
    assert [m["id"] for m in body["results"]] == [550, 348]


@pytest.mark.parametrize("page", ["0", "501", "x", "-1"])
def test_invalid_pages_get_tmdbs_400(http, page):
    response = http.get("movie/popular", params={"page": page})

    assert response.status_code == 400
    assert response.json()["status_code"] == 22


def test_search_matches_titles_case_insensitively_most_popular_first(http):
    body = http.get("search/movie", params={"query": "ALIEN"}).json()

    assert [m["id"] for m in body["results"]] == [348, 679]
    assert body["total_results"] == 2
    assert http.get("search/movie", params={"query": "court obscur"}).json()["results"][0]["id"] == 987654


def test_search_by_year_and_empty_query(http):
    assert [m["id"] for m in http.get("search/movie", params={"query": "alien", "year": 1986}).json()["results"]] == [
        679
    ]
    assert http.get("search/movie", params={"query": ""}).json()["results"] == []
    assert http.get("search/movie").json()["total_results"] == 0


def test_genre_list_and_configuration(http):
    genres = http.get("genre/movie/list").json()["genres"]
    config = http.get("configuration").json()

    assert {"id": 28, "name": "Action"} in genres
    assert len({g["id"] for g in genres}) == len(genres)
    assert config["images"]["secure_base_url"] == "https://image.tmdb.org/t/p/"
    assert "w500" in config["images"]["poster_sizes"]


def test_genres_found_in_the_movies_are_added():
    app = FakeTmdb([{"id": 1, "title": "x", "genres": [{"id": 10769, "name": "Foreign"}]}])
    with run_fake_tmdb(app) as base_url:
        genres = httpx.get(f"{base_url}/genre/movie/list", headers=AUTH).json()["genres"]

    assert {"id": 10769, "name": "Foreign"} in genres


def test_requests_are_counted_per_path(app, http):
    http.get("movie/550")
    http.get("movie/550", params={"append_to_response": "credits"})
    http.get("movie/1")
    http.get("movie/popular")

    assert app.count("/movie/550") == 2
    assert app.count("/movie/1") == 1
    assert app.count() == 4
    assert app.request_counts == {"/movie/550": 2, "/movie/1": 1, "/movie/popular": 1}
    assert [r.status for r in app.requests] == [200, 200, 404, 200]
    assert all(r.auth == "bearer" for r in app.requests)
    app.reset()
    assert app.count() == 0 and app.requests == []


def test_faults_are_consumed_in_order_per_pattern(app, http):
    app.inject("/movie/*", Fault.too_many_requests(retry_after=2), Fault.server_error(503))
    app.inject("/movie/550", Fault.unauthorized())

    first = http.get("movie/550")
    second = http.get("movie/550")
    third = http.get("movie/550")
    fourth = http.get("movie/550")

    assert (first.status_code, first.headers["Retry-After"], first.json()["status_code"]) == (429, "2", 25)
    assert (second.status_code, second.json()["status_code"]) == (503, 9)
    assert (third.status_code, third.json()["status_code"]) == (401, 7)
    assert fourth.status_code == 200
    assert app.pending_faults() == 0
    assert app.count("/movie/550") == 4


def test_fault_times_and_patterns_do_not_leak_to_other_paths(app, http):
    app.inject("/movie/550", Fault.server_error(), times=2)

    assert http.get("movie/348").status_code == 200
    assert [http.get("movie/550").status_code for _ in range(3)] == [500, 500, 200]


def test_429_without_retry_after(app, http):
    app.inject("*", Fault.too_many_requests())

    response = http.get("configuration")

    assert response.status_code == 429
    assert "Retry-After" not in response.headers


def test_malformed_json_fault(app, http):
    app.inject("/movie/550", Fault.malformed_json())

    response = http.get("movie/550")

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_slow_fault_delays_the_response(app):
    app.inject("/movie/550", Fault.slow(5))
    with run_fake_tmdb(app) as base_url:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{base_url}/movie/550", headers=AUTH, timeout=0.05)
        assert httpx.get(f"{base_url}/movie/550", headers=AUTH, timeout=1).status_code == 200
    # leaving the block woke the slow handler rather than waiting 5 s


def test_faults_are_checked_before_auth(app):
    app.inject("*", Fault.service_unavailable())
    with run_fake_tmdb(app) as base_url:
        assert httpx.get(f"{base_url}/movie/550").status_code == 503
        assert httpx.get(f"{base_url}/movie/550").status_code == 401


def test_admin_endpoints(app):
    with run_fake_tmdb(app) as base_url:
        root = base_url.removesuffix("/3")
        httpx.get(f"{base_url}/movie/550", headers=AUTH)
        assert httpx.get(f"{root}/__fake__/stats").json() == {"total": 1, "by_path": {"/movie/550": 1}}
        injected = httpx.post(f"{root}/__fake__/faults", json={"pattern": "/movie/*", "status": 429, "retry_after": 1})
        assert injected.json() == {"ok": True, "pending": 1}
        limited = httpx.get(f"{base_url}/movie/550", headers=AUTH)
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "1")
        assert httpx.post(f"{root}/__fake__/faults", content=b"{nope").status_code == 400
        httpx.post(f"{root}/__fake__/reset")
        assert httpx.get(f"{root}/__fake__/stats").json() == {"total": 0, "by_path": {}}


def test_load_movies(tmp_path):
    path = tmp_path / "movies.jsonl"
    path.write_text("\n".join([json.dumps(FIGHT_CLUB), "", json.dumps(ALIEN), json.dumps(OBSCURE)]) + "\n")

    assert [m["id"] for m in load_movies(path)] == [550, 348, 987654]
    assert [m["id"] for m in load_movies(path, limit=2)] == [550, 348]
    path.write_text(json.dumps(FIGHT_CLUB) + "\n{broken\n")
    with pytest.raises(ValueError, match=":2:"):
        load_movies(path)
    path.write_text('{"title": "no id"}\n')
    with pytest.raises(ValueError, match=":1:"):
        load_movies(path)


def test_command_line_server_serves_and_stops_on_sigterm(tmp_path):
    path = tmp_path / "movies.jsonl"
    path.write_text(json.dumps(FIGHT_CLUB) + "\n" + json.dumps(ALIEN) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_tmdb", "--movies", str(path), "--port", "0", "--token", "cli-token"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = process.stdout.readline()
        assert "2 movies at http://127.0.0.1:" in banner
        base_url = banner.split(" at ", 1)[1].split()[0]
        response = httpx.get(f"{base_url}/movie/348", headers={"Authorization": "Bearer cli-token"}, timeout=5)
        assert response.json()["title"] == "Alien"
        stats = httpx.get(base_url.removesuffix("/3") + "/__fake__/stats", timeout=5).json()
        assert stats["by_path"] == {"/movie/348": 1}
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopping after 1 requests" in out


# --- /find and year-aware, accent-insensitive search ------------------------------------------------------------


def test_find_by_imdb_id_answers_tmdbs_shape(http):
    body = http.get("find/tt0137523", params={"external_source": "imdb_id"}).json()

    assert set(body) == {"movie_results", "person_results", "tv_results", "tv_episode_results", "tv_season_results"}
    (movie,) = body["movie_results"]
    assert (movie["id"], movie["title"], movie["media_type"], movie["release_date"]) == (
        550,
        "Fight Club",
        "movie",
        "1999-10-15",
    )
    assert movie["genre_ids"] == [18, 53]
    assert all(body[name] == [] for name in body if name != "movie_results")


def test_find_unknown_id_or_other_known_source_is_empty_with_200(http):
    for params, path in [
        ({"external_source": "imdb_id"}, "find/tt9999999"),
        ({"external_source": "tvdb_id"}, "find/tt0137523"),
    ]:
        response = http.get(path, params=params)
        assert response.status_code == 200
        assert all(results == [] for results in response.json().values())


@pytest.mark.parametrize("params", [{}, {"external_source": ""}, {"external_source": "letterboxd"}])
def test_find_without_a_known_external_source_gets_tmdbs_422(http, params):
    response = http.get("find/tt0137523", params=params)

    assert response.status_code == 422
    assert response.json() == {
        "success": False,
        "status_code": 5,
        "status_message": "Invalid parameters: Your request parameters are incorrect.",
    }


def test_imdb_ids_option_wins_over_the_bodies_and_shows_in_movie_details():
    app = FakeTmdb(small_catalogue(), imdb_ids={348: "tt1111111", 987654: "tt2222222", 1: "tt3333333"})
    with run_fake_tmdb(app) as base_url, httpx.Client(base_url=base_url + "/", headers=AUTH) as http:

        def found(imdb_id):
            body = http.get(f"find/{imdb_id}", params={"external_source": "imdb_id"}).json()
            return [m["id"] for m in body["movie_results"]]

        assert found("tt1111111") == [348]
        assert 348 not in found("tt0078748")  # ALIEN's own imdb_id was replaced
        assert found("tt2222222") == [987654]  # OBSCURE had none
        assert found("tt0137523") == [550]
        assert found("tt3333333") == []  # no movie 1 to map
        assert http.get("movie/348").json()["imdb_id"] == "tt1111111"
    assert app.count("/find/tt1111111") == 1


def test_load_imdb_ids_reads_a_plain_map_or_an_expected_files_films(tmp_path):
    plain = tmp_path / "ids.json"
    plain.write_text(json.dumps({"550": "tt0137523", "348": None}))
    expected = tmp_path / "expected.json"
    expected.write_text(
        json.dumps({"films": {"550": {"title": "Fight Club", "imdb_id": "tt1"}, "348": {"title": "x"}}})
    )

    assert load_imdb_ids(plain) == {550: "tt0137523"}
    assert load_imdb_ids(expected) == {550: "tt1"}
    plain.write_text(json.dumps({"fight club": "tt1"}))
    with pytest.raises(ValueError, match="TMDB ids"):
        load_imdb_ids(plain)
    plain.write_text("[]")
    with pytest.raises(ValueError, match="JSON object"):
        load_imdb_ids(plain)


@pytest.mark.parametrize("name", ["year", "primary_release_year"])
def test_search_year_parameters_keep_only_that_years_films(http, name):
    def ids(year):
        return [m["id"] for m in http.get("search/movie", params={"query": "alien", name: year}).json()["results"]]

    assert ids(1979) == [348]
    assert ids(1986) == [679]
    assert ids(1980) == []
    assert ids("") == [348, 679]  # blank: no filter


def test_search_with_both_year_parameters_needs_both(http):
    params = {"query": "alien", "year": 1979, "primary_release_year": 1986}
    assert http.get("search/movie", params=params).json()["results"] == []
    params = {"query": "alien", "year": "", "primary_release_year": 1986}  # a blank year does not hide the other
    assert [m["id"] for m in http.get("search/movie", params=params).json()["results"]] == [679]


def test_search_ignores_case_accents_and_punctuation_in_title_and_original_title():
    app = FakeTmdb(
        [
            {
                "id": 194,
                "title": "Amélie",
                "original_title": "Le Fabuleux Destin d'Amélie Poulain",
                "release_date": "2001-04-25",
            },
            {"id": 11, "title": "Ærø", "release_date": "2001-01-01"},
        ]
    )
    with run_fake_tmdb(app) as base_url, httpx.Client(base_url=base_url + "/", headers=AUTH) as http:

        def ids(text):
            return [m["id"] for m in http.get("search/movie", params={"query": text}).json()["results"]]

        assert ids("AMELIE") == [194]
        assert ids("amélie") == [194]
        assert ids("fabuleux destin") == [194]  # the original title
        assert ids("ærø") == [11] and ids("ÆRØ") == [11]
        assert ids("amelie poulain") == [194]
        assert ids("d\u2019amélie") == [194]  # punctuation is ignored too
        assert ids("fabuleux-destin") == [194]


def test_command_line_imdb_ids_option(tmp_path):
    movies = tmp_path / "movies.jsonl"
    movies.write_text(json.dumps(ALIEN) + "\n")
    ids = tmp_path / "expected.json"
    ids.write_text(json.dumps({"films": {"348": {"imdb_id": "tt7654321"}}}))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_tmdb", "--movies", str(movies), "--imdb-ids", str(ids), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base_url = process.stdout.readline().split(" at ", 1)[1].split()[0]
        body = httpx.get(f"{base_url}/find/tt7654321", params={"external_source": "imdb_id"}, headers=AUTH, timeout=5)
        assert [m["id"] for m in body.json()["movie_results"]] == [348]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 0
