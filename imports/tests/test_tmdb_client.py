import gzip
import logging
import threading

import httpx
import pytest
import respx

from imports.tmdb.client import (
    MAX_RESPONSE_BYTES,
    RateLimiter,
    TmdbClient,
    TmdbConfig,
    clamp_page,
    parse_retry_after,
)
from imports.tmdb.errors import (
    TmdbAuthError,
    TmdbBadResponse,
    TmdbError,
    TmdbNotConfigured,
    TmdbNotFound,
    TmdbRequestError,
    TmdbUnavailable,
    redact_url,
)
from imports.tmdb.types import Genre

from .tmdb_fixtures import (
    API_KEY,
    BASE_URL,
    ERROR_401,
    ERROR_404,
    ERROR_429,
    ERROR_503,
    FIGHT_CLUB,
    SUMMARY_FIGHT_CLUB,
    TOKEN,
    page_body,
)


@pytest.fixture
def tmdb_mock():
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


# --- outgoing requests ------------------------------------------------------------------------------------------


def test_movie_details_request_with_bearer_token(tmdb_mock, make_client):
    route = tmdb_mock.get("/movie/550").respond(200, json=FIGHT_CLUB)

    movie = make_client().movie_details(550)

    assert movie.title == "Fight Club"
    request = route.calls.last.request
    assert request.url.path == "/3/movie/550"
    assert dict(request.url.params) == {"append_to_response": "credits,keywords"}
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Accept"] == "application/json"


def test_api_key_goes_in_the_query_and_no_authorization_header(tmdb_mock, make_client):
    route = tmdb_mock.get("/movie/550").respond(200, json=FIGHT_CLUB)

    make_client(api_token=None, api_key=API_KEY).movie_details(550)

    request = route.calls.last.request
    assert request.url.params["api_key"] == API_KEY
    assert request.url.params["append_to_response"] == "credits,keywords"
    assert "Authorization" not in request.headers


def test_token_wins_when_both_are_configured(tmdb_mock, make_client):
    route = tmdb_mock.get("/genre/movie/list").respond(200, json={"genres": []})

    make_client(api_token=TOKEN, api_key=API_KEY).genres()

    request = route.calls.last.request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "api_key" not in request.url.params


def test_search_movies_sends_query_page_and_year(tmdb_mock, make_client):
    route = tmdb_mock.get("/search/movie").respond(200, json=page_body([SUMMARY_FIGHT_CLUB]))

    page = make_client().search_movies("  fight club ", page=2, year=1999)

    assert [m.id for m in page.results] == [550]
    params = route.calls.last.request.url.params
    assert dict(params) == {"query": "fight club", "page": "2", "include_adult": "false", "year": "1999"}


def test_search_movies_sends_primary_release_year(tmdb_mock, make_client):
    route = tmdb_mock.get("/search/movie").respond(200, json=page_body([SUMMARY_FIGHT_CLUB]))

    make_client().search_movies("fight club", primary_release_year=1999)
    make_client().search_movies("fight club", year=1999, primary_release_year=2000)

    first, second = (dict(call.request.url.params) for call in route.calls)
    assert first == {"query": "fight club", "page": "1", "include_adult": "false", "primary_release_year": "1999"}
    assert (second["year"], second["primary_release_year"]) == ("1999", "2000")


def test_find_by_imdb_id_sends_the_external_source_and_returns_the_movies(tmdb_mock, make_client):
    found = {
        "movie_results": [{**SUMMARY_FIGHT_CLUB, "media_type": "movie"}],
        "person_results": [],
        "tv_results": [],
        "tv_episode_results": [],
        "tv_season_results": [],
    }
    route = tmdb_mock.get("/find/tt0137523").respond(200, json=found)

    (movie,) = make_client().find_by_imdb_id("tt0137523")

    assert (movie.id, movie.title, movie.original_title) == (550, "Fight Club", "Fight Club")
    assert dict(route.calls.last.request.url.params) == {"external_source": "imdb_id"}


def test_find_by_imdb_id_of_an_unknown_id_is_empty(tmdb_mock, make_client):
    empty = {"movie_results": [], "person_results": [], "tv_results": []}
    tmdb_mock.get("/find/tt9999999").respond(200, json=empty)

    assert make_client().find_by_imdb_id("tt9999999") == ()


@pytest.mark.parametrize("imdb_id", ["", "0137523", "tt", "TT0137523", " tt0137523", "tt0137523/", "nm0000093", 137523])
def test_find_by_imdb_id_refuses_what_is_not_an_imdb_title_id(tmdb_mock, make_client, imdb_id):
    route = tmdb_mock.get(path__startswith="/find").respond(200, json={"movie_results": []})

    with pytest.raises(ValueError, match="tt and digits"):
        make_client().find_by_imdb_id(imdb_id)
    assert route.call_count == 0


@pytest.mark.parametrize("body", [{"person_results": []}, {"movie_results": "x"}])
def test_find_by_imdb_id_without_movie_results_is_a_bad_response(tmdb_mock, make_client, body):
    tmdb_mock.get("/find/tt0137523").respond(200, json=body)

    with pytest.raises(TmdbBadResponse):
        make_client().find_by_imdb_id("tt0137523")


def test_find_by_imdb_id_422_is_a_request_error_and_not_retried(tmdb_mock, make_client):
    error = {
        "success": False,
        "status_code": 5,
        "status_message": "Invalid parameters: Your request parameters are incorrect.",
    }
    route = tmdb_mock.get("/find/tt0137523").respond(422, json=error)

    with pytest.raises(TmdbRequestError) as caught:
        make_client().find_by_imdb_id("tt0137523")
    assert (caught.value.status_code, caught.value.tmdb_status_code, route.call_count) == (422, 5, 1)


def test_blank_search_returns_an_empty_page_without_a_request(tmdb_mock, make_client):
    route = tmdb_mock.get("/search/movie").respond(200, json=page_body([]))

    page = make_client().search_movies("   ")

    assert page.results == () and page.total_results == 0
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [("popular", "/movie/popular"), ("top_rated", "/movie/top_rated")],
)
@pytest.mark.parametrize(("asked", "sent"), [(1, "1"), (7, "7"), (0, "1"), (-3, "1"), (501, "500"), (10**6, "500")])
def test_list_pages_are_clamped_to_1_through_500(tmdb_mock, make_client, method, path, asked, sent):
    route = tmdb_mock.get(path).respond(200, json=page_body([SUMMARY_FIGHT_CLUB], page=int(sent), total_pages=500))

    page = getattr(make_client(), method)(page=asked)

    assert route.calls.last.request.url.params["page"] == sent
    assert page.page == int(sent)


def test_search_pages_are_clamped_too(tmdb_mock, make_client):
    route = tmdb_mock.get("/search/movie").respond(200, json=page_body([]))

    make_client().search_movies("x", page=999)

    assert route.calls.last.request.url.params["page"] == "500"
    assert clamp_page(0) == 1 and clamp_page(500) == 500


def test_genres_and_configuration_endpoints(tmdb_mock, make_client):
    tmdb_mock.get("/genre/movie/list").respond(200, json={"genres": [{"id": 28, "name": "Action"}]})
    tmdb_mock.get("/configuration").respond(
        200,
        json={"images": {"secure_base_url": "https://img.example/t/p/", "poster_sizes": ["w92", "w500"]}},
    )
    client = make_client()

    assert client.genres() == (Genre(28, "Action"),)
    assert client.configuration().poster_url("/p.jpg") == "https://img.example/t/p/w500/p.jpg"


def test_poster_url_without_a_request_uses_the_configured_image_base(make_client):
    client = make_client(image_base_url="https://cdn.example/t/p/")

    assert client.poster_url("/p.jpg", "w185") == "https://cdn.example/t/p/w185/p.jpg"
    assert client.poster_url(None) is None


def test_invalid_ids_are_rejected_before_any_request(tmdb_mock, make_client):
    with pytest.raises(ValueError):
        make_client().movie_details(0)
    assert len(tmdb_mock.calls) == 0


# --- retries ----------------------------------------------------------------------------------------------------


def test_429_with_retry_after_sleeps_that_long_then_succeeds(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").mock(
        side_effect=[
            httpx.Response(429, json=ERROR_429, headers={"Retry-After": "3"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )

    assert make_client().movie_details(550).id == 550
    assert route.call_count == 2
    assert clock.sleeps == [3.0]


def test_retry_after_is_capped_at_backoff_max(tmdb_mock, make_client, clock):
    tmdb_mock.get("/movie/550").mock(
        side_effect=[
            httpx.Response(429, json=ERROR_429, headers={"Retry-After": "3600"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )

    make_client(backoff_max=20).movie_details(550)

    assert clock.sleeps == [20.0]


def test_429_without_retry_after_backs_off_exponentially(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").mock(
        side_effect=[httpx.Response(429, json=ERROR_429)] * 3 + [httpx.Response(200, json=FIGHT_CLUB)]
    )

    make_client(backoff_base=0.5).movie_details(550)

    assert route.call_count == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]  # jitter pinned at its maximum


def test_backoff_jitter_stays_within_half_to_full_delay(make_client):
    low = make_client(rng=lambda: 0.0, backoff_base=1.0, backoff_max=30)
    high = make_client(rng=lambda: 1.0, backoff_base=1.0, backoff_max=30)

    assert [low.backoff_delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert [high.backoff_delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert high.backoff_delay(10) == 30  # capped at backoff_max


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried(tmdb_mock, make_client, clock, status):
    route = tmdb_mock.get("/movie/550").mock(
        side_effect=[httpx.Response(status, json=ERROR_503), httpx.Response(200, json=FIGHT_CLUB)]
    )

    assert make_client().movie_details(550).id == 550
    assert route.call_count == 2
    assert clock.sleeps == [0.5]


def test_retries_are_bounded_then_unavailable(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").respond(503, json=ERROR_503)

    with pytest.raises(TmdbUnavailable) as caught:
        make_client(max_retries=4, backoff_base=0.5).movie_details(550)

    assert route.call_count == 5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]
    error = caught.value
    assert (error.status_code, error.is_timeout, error.attempts) == (503, False, 5)
    assert error.tmdb_status_code == 9


def test_exhausted_429s_report_the_last_retry_after(tmdb_mock, make_client):
    tmdb_mock.get("/movie/popular").respond(429, json=ERROR_429, headers={"Retry-After": "7"})

    with pytest.raises(TmdbUnavailable) as caught:
        make_client(max_retries=1).popular()

    assert (caught.value.status_code, caught.value.retry_after) == (429, 7.0)


def test_max_retries_zero_makes_a_single_attempt(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").respond(500)

    with pytest.raises(TmdbUnavailable):
        make_client(max_retries=0).movie_details(550)

    assert route.call_count == 1
    assert clock.sleeps == []


def test_401_is_not_retried(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").respond(401, json=ERROR_401)

    with pytest.raises(TmdbAuthError) as caught:
        make_client().movie_details(550)

    assert route.call_count == 1
    assert clock.sleeps == []
    assert (caught.value.status_code, caught.value.tmdb_status_code) == (401, 7)
    assert "Invalid API key" in str(caught.value)


def test_404_is_not_retried(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/999999999").respond(404, json=ERROR_404)

    with pytest.raises(TmdbNotFound) as caught:
        make_client().movie_details(999999999)

    assert route.call_count == 1
    assert clock.sleeps == []
    assert (caught.value.status_code, caught.value.tmdb_status_code) == (404, 34)
    assert isinstance(caught.value, TmdbError)


def test_other_4xx_is_a_request_error_and_not_retried(tmdb_mock, make_client):
    body = {"success": False, "status_code": 22, "status_message": "Invalid page: Pages start at 1 and max at 500."}
    route = tmdb_mock.get("/movie/popular").respond(400, json=body)

    with pytest.raises(TmdbRequestError) as caught:
        make_client().popular()

    assert route.call_count == 1
    assert caught.value.tmdb_status_code == 22


def test_timeouts_are_retried_then_unavailable_with_is_timeout(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").mock(side_effect=httpx.ReadTimeout("timed out"))

    with pytest.raises(TmdbUnavailable) as caught:
        make_client(max_retries=2).movie_details(550)

    assert route.call_count == 3
    assert len(clock.sleeps) == 2
    assert caught.value.is_timeout is True
    assert caught.value.status_code is None
    assert caught.value.attempts == 3


def test_a_timeout_then_success(tmdb_mock, make_client):
    tmdb_mock.get("/movie/550").mock(side_effect=[httpx.ConnectTimeout("slow"), httpx.Response(200, json=FIGHT_CLUB)])

    assert make_client().movie_details(550).id == 550


def test_connection_errors_are_retried_and_not_reported_as_timeouts(tmdb_mock, make_client):
    route = tmdb_mock.get("/movie/550").mock(side_effect=httpx.ConnectError("connection refused"))

    with pytest.raises(TmdbUnavailable) as caught:
        make_client(max_retries=1).movie_details(550)

    assert route.call_count == 2
    assert caught.value.is_timeout is False


def test_is_timeout_reflects_the_last_attempt(tmdb_mock, make_client):
    tmdb_mock.get("/movie/550").mock(side_effect=[httpx.ReadTimeout("t"), httpx.Response(502)])

    with pytest.raises(TmdbUnavailable) as caught:
        make_client(max_retries=1).movie_details(550)

    assert (caught.value.is_timeout, caught.value.status_code) == (False, 502)


# --- bad responses ----------------------------------------------------------------------------------------------


TRUNCATED = b'{"id": 550, "title": "Fight'


@pytest.mark.parametrize(
    "unreadable",
    [TRUNCATED, b"", b"<html><body>502 Bad Gateway</body></html>", b'{"id": 550, "title": "\xff"}'],
    ids=["cut-off", "empty", "html", "not-utf8"],
)
def test_an_unreadable_body_is_retried_and_a_later_good_answer_wins(tmdb_mock, make_client, clock, unreadable):
    route = tmdb_mock.get("/movie/550").mock(
        side_effect=[
            httpx.Response(200, content=unreadable, headers={"Content-Type": "application/json"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )

    assert make_client().movie_details(550).title == "Fight Club"
    assert route.call_count == 2
    assert clock.sleeps == [0.5]  # the client's usual backoff


def test_a_body_that_stays_unreadable_is_a_bad_response_after_the_bounded_retries(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/movie/550").respond(200, content=TRUNCATED, content_type="application/json")

    with pytest.raises(TmdbBadResponse) as caught:
        make_client(max_retries=2, backoff_base=0.5).movie_details(550)

    assert route.call_count == 3
    assert clock.sleeps == [0.5, 1.0]
    assert not isinstance(caught.value, TmdbUnavailable)
    assert "malformed JSON" in str(caught.value) and "gave up after 3 attempt(s)" in str(caught.value)
    assert caught.value.status_code == 200


def test_a_cut_off_body_and_a_5xx_share_one_retry_budget(tmdb_mock, make_client):
    cut_off = httpx.Response(200, content=TRUNCATED)
    route = tmdb_mock.get("/movie/550").mock(side_effect=[cut_off, httpx.Response(503, json=ERROR_503)])

    with pytest.raises(TmdbUnavailable) as caught:  # the last failure names the error
        make_client(max_retries=1).movie_details(550)

    assert route.call_count == 2
    assert caught.value.status_code == 503


def test_a_compressed_body_that_does_not_decompress_is_retried(tmdb_mock, make_client):
    route = tmdb_mock.get("/movie/550").mock(
        side_effect=[
            httpx.Response(200, content=iter([b"not gzip at all"]), headers={"Content-Encoding": "gzip"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )

    assert make_client().movie_details(550).id == 550
    assert route.call_count == 2


@pytest.mark.parametrize("body", [[1, 2], "just a string", {"page": 1}, {"page": 1, "results": {"id": 550}}])
def test_json_of_the_wrong_shape_is_a_bad_response_and_not_retried(tmdb_mock, make_client, clock, body):
    route = tmdb_mock.get("/movie/popular").respond(200, json=body)

    with pytest.raises(TmdbBadResponse):
        make_client().popular()

    assert route.call_count == 1  # TMDB would send the same again
    assert clock.sleeps == []


@pytest.mark.parametrize("movie_id", [None, "abc", 2**31, 10**30, True])
def test_a_movie_body_without_a_usable_id_is_a_bad_response_and_not_retried(tmdb_mock, make_client, movie_id):
    route = tmdb_mock.get("/movie/550").respond(200, json={"title": "Fight Club", "id": movie_id})

    with pytest.raises(TmdbBadResponse, match="unexpected response shape"):
        make_client().movie_details(550)

    assert route.call_count == 1


# --- response size ----------------------------------------------------------------------------------------------


def test_the_default_response_cap_holds_the_largest_tmdb_bodies():
    assert TmdbConfig().max_response_bytes == MAX_RESPONSE_BYTES == 5 * 1024 * 1024


def test_a_body_at_the_cap_is_read(tmdb_mock, make_client):
    body = b'{"genres": []}'
    tmdb_mock.get("/genre/movie/list").respond(200, content=body)

    assert make_client(max_response_bytes=len(body)).genres() == ()


def padded_body(size: int) -> bytes:
    """A JSON genre list of exactly ``size`` bytes."""
    head, tail = b'{"genres": [], "padding": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=padded_body(1001)),  # declared by Content-Length
        httpx.Response(200, content=iter([padded_body(1001)[:600], padded_body(1001)[600:]])),  # chunked
        httpx.Response(200, content=gzip.compress(padded_body(50_000)), headers={"Content-Encoding": "gzip"}),
    ],
    ids=["content-length", "chunked", "gzip-expands-past-the-cap"],
)
def test_a_body_over_the_cap_is_a_bad_response_and_not_retried(tmdb_mock, make_client, clock, response):
    route = tmdb_mock.get("/genre/movie/list").mock(return_value=response)

    with pytest.raises(TmdbBadResponse, match="larger than the 1000-byte limit"):
        make_client(max_response_bytes=1000).genres()

    assert route.call_count == 1
    assert clock.sleeps == []


def test_an_oversized_error_page_still_counts_by_its_status(tmdb_mock, make_client):
    route = tmdb_mock.get("/genre/movie/list").mock(
        side_effect=[httpx.Response(503, content=b"<html>" + b"x" * 5000), httpx.Response(200, json={"genres": []})]
    )

    assert make_client(max_response_bytes=1000).genres() == ()
    assert route.call_count == 2


def test_unsupported_base_url_fails_fast(make_client):
    client = make_client(base_url="ftp://api.themoviedb.org/3")

    with pytest.raises(TmdbError, match="TMDB_API_BASE_URL"):
        client.genres()


def test_mock_transport_works_as_an_injected_transport(make_client):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"genres": [{"id": 35, "name": "Comedy"}]})

    client = make_client(transport=httpx.MockTransport(handler))

    assert client.genres() == (Genre(35, "Comedy"),)
    assert str(seen[0].url) == "https://api.themoviedb.org/3/genre/movie/list"


# --- configuration ----------------------------------------------------------------------------------------------


def test_missing_credentials_raise_not_configured_naming_the_settings():
    with pytest.raises(TmdbNotConfigured) as caught:
        TmdbClient(TmdbConfig())

    assert "TMDB_API_TOKEN" in str(caught.value)
    assert "TMDB_API_KEY" in str(caught.value)


def test_config_from_settings(settings):
    settings.TMDB_API_BASE_URL = "http://127.0.0.1:9/3"
    settings.TMDB_API_TOKEN = TOKEN
    settings.TMDB_API_KEY = ""
    settings.TMDB_IMAGE_BASE_URL = "https://cdn.example/t/p/"
    settings.TMDB_TIMEOUT = "2.5"
    settings.TMDB_RATE_LIMIT = 10

    config = TmdbConfig.from_settings()

    assert config.base_url == "http://127.0.0.1:9/3"
    assert config.api_token == TOKEN
    assert config.api_key is None  # blank means unset
    assert config.image_base_url == "https://cdn.example/t/p/"
    assert config.timeout == 2.5
    assert config.rate_limit_per_second == 10.0
    assert config.max_retries == 4
    assert config.max_response_bytes == MAX_RESPONSE_BYTES


def test_config_from_settings_defaults_when_unset(settings):
    for name in ("TMDB_API_BASE_URL", "TMDB_API_TOKEN", "TMDB_API_KEY", "TMDB_TIMEOUT", "TMDB_RATE_LIMIT"):
        if hasattr(settings, name):
            delattr(settings, name)

    config = TmdbConfig.from_settings()

    assert config == TmdbConfig()
    settings.TMDB_TIMEOUT = None
    settings.TMDB_RATE_LIMIT = None
    assert TmdbConfig.from_settings() == TmdbConfig()
    settings.TMDB_RATE_LIMIT = 0
    assert TmdbConfig.from_settings().rate_limit_per_second == 0  # explicitly off
    with pytest.raises(TmdbNotConfigured):
        TmdbClient.from_settings()


def test_client_from_settings_uses_the_key(settings, tmdb_mock, clock):
    settings.TMDB_API_TOKEN = None
    settings.TMDB_API_KEY = API_KEY
    settings.TMDB_RATE_LIMIT = 0
    route = tmdb_mock.get("/genre/movie/list").respond(200, json={"genres": []})

    with TmdbClient.from_settings(sleep=clock.sleep, clock=clock) as client:
        client.genres()

    assert route.calls.last.request.url.params["api_key"] == API_KEY


# --- secrets ----------------------------------------------------------------------------------------------------


def test_reprs_never_show_secrets(make_client):
    config = TmdbConfig(api_token=TOKEN, api_key=API_KEY)
    client = make_client(api_token=TOKEN, api_key=API_KEY)

    for text in (repr(config), str(config), repr(client)):
        assert TOKEN not in text
        assert API_KEY not in text
    assert "api_token='***'" in repr(config)


def test_redact_url():
    assert redact_url(f"https://x/3/movie/1?api_key={API_KEY}&page=2") == "https://x/3/movie/1?api_key=***&page=2"
    assert redact_url(f"https://x/3/movie/1?page=2&API_KEY={API_KEY}") == "https://x/3/movie/1?page=2&API_KEY=***"
    assert redact_url("https://x/3/movie/1?page=2") == "https://x/3/movie/1?page=2"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(401, json=ERROR_401),
        httpx.Response(404, json=ERROR_404),
        httpx.Response(503, json=ERROR_503),
        httpx.Response(400, json={"status_code": 22, "status_message": "bad page"}),
        httpx.Response(200, content=b"{not json"),
    ],
)
def test_errors_with_an_api_key_redact_it(tmdb_mock, make_client, response):
    tmdb_mock.get("/movie/550").mock(return_value=response)

    with pytest.raises(TmdbError) as caught:
        make_client(api_token=None, api_key=API_KEY, max_retries=1).movie_details(550)

    error = caught.value
    for text in (str(error), repr(error), error.url or "", str(error.args)):
        assert API_KEY not in text
    assert error.url is None or "api_key=***" in error.url


def test_transport_error_text_is_scrubbed_of_secrets(tmdb_mock, make_client):
    leaky = httpx.ConnectError(f"failed for https://api.themoviedb.org/3/movie/550?api_key={API_KEY} with {TOKEN}")
    tmdb_mock.get("/movie/550").mock(side_effect=leaky)

    with pytest.raises(TmdbUnavailable) as caught:
        make_client(api_token=TOKEN, max_retries=0).movie_details(550)

    assert API_KEY not in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None  # no leaky chained traceback


def test_server_messages_echoing_the_token_are_scrubbed(tmdb_mock, make_client):
    tmdb_mock.get("/movie/550").respond(401, json={"status_code": 7, "status_message": f"bad token {TOKEN}"})

    with pytest.raises(TmdbAuthError) as caught:
        make_client(api_token=TOKEN).movie_details(550)

    assert TOKEN not in str(caught.value)
    assert TOKEN not in (caught.value.tmdb_status_message or "")


def test_logs_never_contain_the_api_key(tmdb_mock, make_client, caplog):
    tmdb_mock.get("/movie/550").mock(
        side_effect=[httpx.Response(503, json=ERROR_503), httpx.Response(200, json=FIGHT_CLUB)]
    )

    with caplog.at_level(logging.DEBUG):
        make_client(api_token=None, api_key=API_KEY).movie_details(550)

    assert any("retry 1/4" in r.getMessage() for r in caplog.records)  # the retry was logged ...
    assert any(r.name == "httpx" for r in caplog.records)  # ... and so were httpx's request lines ...
    assert API_KEY not in caplog.text  # ... without the key
    assert "api_key=***" in caplog.text


# --- rate limiting ----------------------------------------------------------------------------------------------


def test_rate_limiter_spaces_calls(clock):
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)

    waits = [limiter.acquire() for _ in range(4)]

    assert waits == pytest.approx([0.0, 0.1, 0.1, 0.1])
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1])


def test_rate_limiter_does_not_wait_when_calls_are_already_spaced(clock):
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 0.5

    assert limiter.acquire() == 0.0
    assert clock.sleeps == []


def test_rate_limiter_burst(clock):
    limiter = RateLimiter(10, burst=3, clock=clock, sleep=clock.sleep)

    waits = [limiter.acquire() for _ in range(5)]

    assert waits == pytest.approx([0.0, 0.0, 0.0, 0.1, 0.1])


def test_rate_limiter_disabled(clock):
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)

    assert [limiter.acquire() for _ in range(100)] == [0.0] * 100


def test_rate_limiter_is_thread_safe():
    # The clock never moves and sleep does nothing: every caller must still get its own slot, 25 ms apart.
    limiter = RateLimiter(40, clock=lambda: 0.0, sleep=lambda _s: None)
    waits: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def worker():
        start.wait()
        for _ in range(5):
            wait = limiter.acquire()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == pytest.approx([n * 0.025 for n in range(100)])


def test_rate_limiter_defer_holds_everyone_back(clock):
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    limiter.defer(2.0)

    assert limiter.acquire() == pytest.approx(2.0)
    assert limiter.acquire() == 0.0


def test_client_requests_go_through_the_rate_limiter(tmdb_mock, make_client, clock):
    route = tmdb_mock.get("/genre/movie/list").respond(200, json={"genres": []})
    client = make_client(rate_limit_per_second=4)

    for _ in range(3):
        client.genres()

    assert route.call_count == 3
    assert clock.sleeps == pytest.approx([0.25, 0.25])


def test_default_rate_limit_is_40_per_second():
    config = TmdbConfig(api_token=TOKEN)

    with TmdbClient(config) as client:
        assert client.rate_limiter.interval == pytest.approx(0.025)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("1.5", 1.5), (" 0 ", 0.0), ("-4", 0.0), ("", None), (None, None), ("soon", None), ("nan", None)],
)
def test_parse_retry_after(header, expected):
    assert parse_retry_after(header) == expected


def test_parse_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=lambda: 1445412480.0) == pytest.approx(10.0)


def test_a_429_retry_after_defers_the_shared_rate_limiter(tmdb_mock, clock):
    class SpyLimiter(RateLimiter):
        deferred: list[float] = []

        def defer(self, seconds: float) -> None:
            self.deferred.append(seconds)
            super().defer(seconds)

    limiter = SpyLimiter(0, clock=clock, sleep=clock.sleep)
    tmdb_mock.get("/movie/550").mock(
        side_effect=[
            httpx.Response(429, json=ERROR_429, headers={"Retry-After": "4"}),
            httpx.Response(200, json=FIGHT_CLUB),
        ]
    )
    config = TmdbConfig(base_url=BASE_URL, api_token=TOKEN)

    with TmdbClient(config, sleep=clock.sleep, clock=clock, rate_limiter=limiter) as client:
        client.movie_details(550)

    assert limiter.deferred == [4.0]  # other threads sharing the limiter hold off too
    assert clock.sleeps == [4.0]  # and this caller does not wait twice
