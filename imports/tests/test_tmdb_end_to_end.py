"""TmdbClient against the fake TMDB over real HTTP on 127.0.0.1, with fault injection."""

import datetime as dt
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from imports.tmdb.client import TmdbClient, TmdbConfig
from imports.tmdb.errors import TmdbAuthError, TmdbBadResponse, TmdbNotFound, TmdbUnavailable
from tests.fake_tmdb import DEFAULT_API_KEY, DEFAULT_TOKEN, FakeTmdb, Fault, load_movies, run_fake_tmdb

from .tmdb_fixtures import numbered_movies, small_catalogue

DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "tmdb-5000" / "movies.jsonl"


@pytest.fixture
def app():
    return FakeTmdb(small_catalogue())


@pytest.fixture
def served(app):
    with run_fake_tmdb(app) as base_url:
        yield base_url


@pytest.fixture
def client_for(served, clock):
    clients = []

    def factory(base_url=None, *, api_token=DEFAULT_TOKEN, api_key=None, **config):
        options = {"rate_limit_per_second": 0, "timeout": 2.0, "max_retries": 3, **config}
        client = TmdbClient(
            TmdbConfig(base_url=base_url or served, api_token=api_token, api_key=api_key, **options),
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 1.0,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


def test_movie_details_round_trip_with_bearer_token(app, client_for):
    movie = client_for().movie_details(550)

    assert movie.title == "Fight Club"
    assert movie.release_date == dt.date(1999, 10, 15)
    assert movie.cast[:2] == ("Edward Norton", "Brad Pitt")
    assert movie.directors == ("David Fincher",)
    assert movie.keywords[0] == "support group"
    (request,) = app.requests
    assert request.auth == "bearer"
    assert request.query == {"append_to_response": ["credits,keywords"]}


def test_api_key_round_trip(app, client_for):
    movie = client_for(api_token=None, api_key=DEFAULT_API_KEY).movie_details(987654)

    assert (movie.release_date, movie.poster_path, movie.runtime, movie.overview) == (None, None, None, "")
    assert app.requests[0].auth == "api_key"


def test_lists_search_genres_and_configuration(client_for):
    client = client_for()

    assert [m.id for m in client.popular().results] == [348, 679, 550, 987654]
    assert [m.id for m in client.top_rated().results] == [550, 348, 679, 987654]
    assert [m.id for m in client.search_movies("alien", year=1979).results] == [348]
    assert any(g.name == "Science Fiction" for g in client.genres())
    assert client.configuration().poster_url("/x.jpg") == "https://image.tmdb.org/t/p/w500/x.jpg"


def test_walking_every_popular_page_then_fetching_each_movie_exactly_once(clock):
    app = FakeTmdb(numbered_movies(45))
    with run_fake_tmdb(app) as base_url:
        config = TmdbConfig(base_url=base_url, api_token=DEFAULT_TOKEN, rate_limit_per_second=0)
        with TmdbClient(config, sleep=clock.sleep, clock=clock) as client:
            ids, page = [], client.popular(1)
            ids += [m.id for m in page.results]
            while page.has_next:
                page = client.popular(page.page + 1)
                ids += [m.id for m in page.results]
            with ThreadPoolExecutor(max_workers=4) as pool:
                movies = list(pool.map(client.movie_details, ids))

    assert [m.id for m in movies] == list(range(1, 46))
    assert app.count("/movie/popular") == 3
    assert all(app.count(f"/movie/{n}") == 1 for n in range(1, 46))
    assert app.count() == 48


def test_429_then_success_honours_retry_after(app, client_for, clock):
    app.inject("/movie/550", Fault.too_many_requests(retry_after=2), times=2)

    assert client_for().movie_details(550).id == 550
    assert app.count("/movie/550") == 3
    assert clock.sleeps == [2.0, 2.0]


def test_429_without_retry_after_backs_off(app, client_for, clock):
    app.inject("/movie/popular", Fault.too_many_requests(), times=2)

    client_for(backoff_base=0.5).popular()

    assert app.count("/movie/popular") == 3
    assert clock.sleeps == [0.5, 1.0]


def test_503_then_success(app, client_for, clock):
    app.inject("/genre/movie/list", Fault.service_unavailable())

    assert client_for().genres()
    assert app.count("/genre/movie/list") == 2
    assert len(clock.sleeps) == 1


def test_persistent_500_gives_up_after_bounded_retries(app, client_for):
    app.inject("/movie/550", Fault.server_error(500), times=10)

    with pytest.raises(TmdbUnavailable) as caught:
        client_for(max_retries=2).movie_details(550)

    assert app.count("/movie/550") == 3
    assert (caught.value.status_code, caught.value.tmdb_status_code, caught.value.is_timeout) == (500, 11, False)


def test_slow_response_times_out_then_unavailable(app, client_for):
    app.inject("/movie/550", Fault.slow(5), times=2)
    started = time.monotonic()

    with pytest.raises(TmdbUnavailable) as caught:
        client_for(timeout=0.05, max_retries=1).movie_details(550)

    assert caught.value.is_timeout is True
    assert caught.value.attempts == 2
    assert time.monotonic() - started < 4.0  # each attempt gave up long before the 5 s answer
    assert app.wait_for_count("/movie/550", 2) == 2


def test_one_slow_response_then_success(app, client_for):
    app.inject("/movie/550", Fault.slow(5))

    assert client_for(timeout=0.05).movie_details(550).id == 550
    assert app.wait_for_count("/movie/550", 2) == 2


def test_wrong_token_is_an_auth_error_without_retries(app, client_for, clock):
    with pytest.raises(TmdbAuthError) as caught:
        client_for(api_token="not-the-token").movie_details(550)

    assert caught.value.tmdb_status_code == 7
    assert app.count() == 1
    assert clock.sleeps == []
    assert "not-the-token" not in str(caught.value)


def test_wrong_api_key_is_redacted_from_the_auth_error(app, client_for):
    with pytest.raises(TmdbAuthError) as caught:
        client_for(api_token=None, api_key="wrong-key-123").popular()

    assert "wrong-key-123" not in str(caught.value)
    assert "api_key=***" in str(caught.value)


def test_unknown_movie_is_not_found_without_retries(app, client_for):
    with pytest.raises(TmdbNotFound) as caught:
        client_for().movie_details(424242)

    assert caught.value.tmdb_status_code == 34
    assert app.count("/movie/424242") == 1


def test_a_cut_off_body_is_retried_then_the_movie_arrives(app, client_for, clock):
    app.inject("/movie/550", Fault.malformed_json(), times=2)

    assert client_for(backoff_base=0.5).movie_details(550).title == "Fight Club"
    assert app.count("/movie/550") == 3
    assert clock.sleeps == [0.5, 1.0]


def test_a_body_that_stays_cut_off_is_a_bad_response_after_bounded_retries(app, client_for):
    app.inject("/movie/550", Fault.malformed_json(), times=10)

    with pytest.raises(TmdbBadResponse, match="malformed JSON"):
        client_for(max_retries=2).movie_details(550)

    assert app.count("/movie/550") == 3


def test_json_of_the_wrong_shape_is_a_bad_response_at_once(app, client_for, clock):
    app.inject("/movie/550", Fault(body=b'["not", "a", "movie"]'))

    with pytest.raises(TmdbBadResponse, match="expected a JSON object"):
        client_for().movie_details(550)

    assert app.count("/movie/550") == 1
    assert clock.sleeps == []


def test_a_body_over_the_size_cap_is_a_bad_response_at_once(app, client_for):
    with pytest.raises(TmdbBadResponse, match="larger than the 500-byte limit"):
        client_for(max_response_bytes=500).movie_details(550)

    assert app.count("/movie/550") == 1
    assert client_for().genres()  # the default cap holds TMDB's bodies


def test_connection_refused_is_unavailable_and_not_a_timeout(client_for, clock):
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with pytest.raises(TmdbUnavailable) as caught:
        client_for(f"http://127.0.0.1:{port}/3", max_retries=2).genres()

    assert caught.value.is_timeout is False
    assert caught.value.attempts == 3
    assert len(clock.sleeps) == 2


@pytest.mark.skipif(not DATASET.exists(), reason="shared/data/tmdb-5000 not present")
def test_serving_the_tmdb_5000_dataset(clock):
    app = FakeTmdb(load_movies(DATASET))
    with run_fake_tmdb(app) as base_url:
        config = TmdbConfig(base_url=base_url, api_token=DEFAULT_TOKEN, rate_limit_per_second=0)
        with TmdbClient(config, sleep=clock.sleep, clock=clock) as client:
            first = client.popular()
            last = client.popular(first.total_pages)
            avatar = client.movie_details(19995)
            search = client.search_movies("avatar")

    assert (first.total_results, first.total_pages, len(first.results)) == (4803, 241, 20)
    assert len(last.results) == 3
    assert avatar.directors == ("James Cameron",) and avatar.runtime == 162
    assert 19995 in [m.id for m in search.results]
