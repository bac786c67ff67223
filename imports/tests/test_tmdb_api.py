"""The admin TMDB endpoints against the fake TMDB: search, import (sync and queued), sync, and error mapping."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from movies.models import Movie
from movies.tests.helpers import assert_error
from tests.factories import MovieFactory
from tests.fake_tmdb import Fault

pytestmark = pytest.mark.django_db

SEARCH = "/api/movies/search-tmdb/"
IMPORT = "/api/movies/import-tmdb/"


def sync_url(movie: Movie) -> str:
    return f"/api/movies/{movie.pk}/sync-tmdb/"


@pytest.fixture
def tmdb_movie(db) -> Movie:
    return MovieFactory(tmdb_id=550, title="Fight Club (old title)")


def call(client, endpoint: str, movie: Movie, **data):
    if endpoint == "search":
        return client.get(SEARCH, {"q": "fight"})
    if endpoint == "import":
        return client.post(IMPORT, {"tmdb_id": 550, **data}, format="json")
    return client.post(sync_url(movie))


ENDPOINTS = ["search", "import", "sync"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_tmdb_endpoints_are_for_admins_only(fake_tmdb, api_client, user_client, tmdb_movie, endpoint):
    assert_error(call(api_client, endpoint, tmdb_movie), 401)
    assert_error(call(user_client, endpoint, tmdb_movie), 403)
    assert fake_tmdb.count() == 0


@pytest.mark.parametrize(("endpoint", "data"), [*[(e, {}) for e in ENDPOINTS], ("import", {"async": True})])
def test_without_credentials_tmdb_endpoints_answer_503_naming_the_settings(
    tmdb_settings, admin_client, tmdb_movie, endpoint, data
):
    tmdb_settings.TMDB_API_TOKEN = ""

    body = assert_error(call(admin_client, endpoint, tmdb_movie, **data), 503, code="tmdb_not_configured")

    assert "TMDB_API_TOKEN" in body["detail"] and "TMDB_API_KEY" in body["detail"]


def test_search_flags_movies_already_imported(fake_tmdb, admin_client):
    admin_client.post(IMPORT, {"tmdb_id": 348}, format="json")
    alien = Movie.objects.get(tmdb_id=348)

    response = admin_client.get(SEARCH, {"q": "alien", "page": 1})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["page"], body["total_pages"], body["total_results"]) == (1, 1, 2)
    by_id = {result["tmdb_id"]: result for result in body["results"]}
    assert (by_id[348]["imported"], by_id[348]["movie_id"]) == (True, alien.pk)
    assert (by_id[679]["imported"], by_id[679]["movie_id"]) == (False, None)
    assert by_id[679]["title"] == "Aliens" and by_id[679]["release_date"] == "1986-07-18"
    assert by_id[679]["poster_url"] == "https://image.tmdb.org/t/p/w500/vfrQk5IPloGg1v9Rzbh2Eg3VGyM.jpg"
    (search,) = [r for r in fake_tmdb.requests if r.path == "/search/movie"]
    assert search.query == {"query": ["alien"], "page": ["1"], "include_adult": ["false"]}


def test_search_needs_a_query(fake_tmdb, admin_client):
    assert_error(admin_client.get(SEARCH), 400, fields=("q",))
    assert_error(admin_client.get(SEARCH, {"q": "x", "page": 501}), 400, fields=("page",))
    assert fake_tmdb.count() == 0


def test_import_creates_then_refreshes(fake_tmdb, admin_client):
    created = admin_client.post(IMPORT, {"tmdb_id": 550}, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["tmdb_id"], body["title"], body["runtime"]) == (550, "Fight Club", 139)
    assert body["directors"] == ["David Fincher"]
    assert sorted(genre["name"] for genre in body["genres"]) == ["Drama", "Thriller"]

    again = admin_client.post(IMPORT, {"tmdb_id": 550}, format="json")

    assert again.status_code == 200
    assert again.json()["id"] == body["id"] and again.json()["updated_at"] == body["updated_at"]
    assert Movie.objects.count() == 1


def test_import_rejects_bad_input(fake_tmdb, admin_client):
    assert_error(admin_client.post(IMPORT, {"tmdb_id": 0}, format="json"), 400, fields=("tmdb_id",))
    assert_error(admin_client.post(IMPORT, {"tmdb_id": 1, "sync": True}, format="json"), 400, fields=("sync",))
    assert fake_tmdb.count() == 0


def test_async_import_is_queued_after_commit(fake_tmdb, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(IMPORT, {"tmdb_id": 550, "async": True}, format="json")

    assert response.status_code == 202, response.content
    assert response.json()["tmdb_id"] == 550 and response.json()["task_id"]
    assert len(callbacks) == 1
    assert fake_tmdb.count() == 0  # nothing happens before the commit
    assert not Movie.objects.exists()


def test_async_import_runs_the_task_in_eager_mode(fake_tmdb, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(IMPORT, {"tmdb_id": 550, "async": True}, format="json")

    assert response.status_code == 202
    assert Movie.objects.get(tmdb_id=550).title == "Fight Club"
    assert fake_tmdb.count("/movie/550") == 1


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (Fault.not_found(), 404, "tmdb_not_found"),
        (Fault.unauthorized(), 502, "tmdb_auth_failed"),
        (Fault.service_unavailable(), 502, "tmdb_unavailable"),
        (Fault.too_many_requests(retry_after=0), 502, "tmdb_unavailable"),
        (Fault.slow(1.0), 504, "tmdb_timeout"),
        (Fault.malformed_json(), 502, "tmdb_bad_response"),
    ],
    ids=["404", "401", "503", "429", "timeout", "malformed"],
)
@pytest.mark.parametrize("endpoint", ["import", "sync"])
def test_tmdb_failures_map_to_our_statuses(
    fake_tmdb, tmdb_settings, admin_client, tmdb_movie, fault, status, code, endpoint
):
    tmdb_settings.TMDB_TIMEOUT = 0.1
    fake_tmdb.inject("/movie/550", fault, times=10)

    body = assert_error(call(admin_client, endpoint, tmdb_movie), status, code=code)

    assert "fake-tmdb-read-access-token" not in body["detail"] and "127.0.0.1" not in body["detail"]
    assert Movie.objects.get().title == "Fight Club (old title)"  # nothing written


def test_a_cut_off_tmdb_body_is_retried_and_the_import_succeeds(fake_tmdb, admin_client, sleeps):
    fake_tmdb.inject("/movie/550", Fault.malformed_json())

    response = admin_client.post(IMPORT, {"tmdb_id": 550}, format="json")

    assert response.status_code == 201, response.content
    assert Movie.objects.get().title == "Fight Club"
    assert fake_tmdb.count("/movie/550") == 2
    assert len(sleeps.calls) == 1


def test_search_maps_an_auth_failure_to_502(fake_tmdb, tmdb_settings, admin_client):
    tmdb_settings.TMDB_API_TOKEN = "revoked-token-value"

    body = assert_error(admin_client.get(SEARCH, {"q": "alien"}), 502, code="tmdb_auth_failed")

    assert "TMDB_API_TOKEN" in body["detail"] and "revoked-token-value" not in body["detail"]


def test_sync_refreshes_the_movie_from_tmdb(fake_tmdb, admin_client, tmdb_movie):
    response = admin_client.post(sync_url(tmdb_movie))

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Fight Club"
    assert Movie.objects.get(pk=tmdb_movie.pk).title == "Fight Club"


def test_sync_of_a_movie_without_a_tmdb_id_is_a_400(fake_tmdb, admin_client, movie):
    assert_error(admin_client.post(sync_url(movie)), 400, code="no_tmdb_id")
    assert_error(admin_client.post("/api/movies/999999/sync-tmdb/"), 404)
    assert fake_tmdb.count() == 0


def test_the_schema_documents_the_gateway_errors():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    for path, method in [(SEARCH, "get"), (IMPORT, "post"), ("/api/movies/{id}/sync-tmdb/", "post")]:
        responses = paths[path][method]["responses"]
        assert {"502", "503", "504", "401", "403"} <= set(responses), path
    assert {"200", "201", "202"} <= set(paths[IMPORT]["post"]["responses"])
