"""Poster downloads (TMDB_DOWNLOAD_POSTERS): the fake TMDB for the API, pytest-httpserver as the image host."""

import json

import pytest
from werkzeug import Response

from imports.tests.tmdb_fixtures import FIGHT_CLUB, small_catalogue
from imports.tmdb import catalogue
from movies.models import Movie
from tests.fake_tmdb import FakeTmdb, Fault

pytestmark = pytest.mark.django_db

POSTER_PATH = "/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"  # Fight Club's poster under /t/p/
JPEG = b"\xff\xd8\xff\xe0" + b"poster" * 100


@pytest.fixture
def image_host(httpserver):
    return httpserver


@pytest.fixture
def fake_tmdb_app(image_host) -> FakeTmdb:
    # TMDB's /configuration names the image host; here, the local one.
    return FakeTmdb(small_catalogue(), image_base_url=image_host.url_for("/t/p/"))


@pytest.fixture
def posters_on(fake_tmdb, tmdb_settings, image_host):
    tmdb_settings.TMDB_DOWNLOAD_POSTERS = True
    tmdb_settings.TMDB_IMAGE_BASE_URL = image_host.url_for("/t/p/")
    tmdb_settings.TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES = True  # the image host here is on localhost
    return fake_tmdb


def test_the_w500_poster_is_stored_in_media(posters_on, image_host):
    image_host.expect_request("/t/p" + POSTER_PATH).respond_with_data(JPEG, content_type="image/jpeg")

    outcome = catalogue.import_movie(550)

    movie = Movie.objects.get(tmdb_id=550)
    assert outcome.poster_error is None
    assert movie.poster_file.name == "posters/tmdb-550-pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    assert movie.poster_file.read() == JPEG
    # The image host never sees the TMDB API token.
    (request, _response) = image_host.log[0]
    assert "Authorization" not in request.headers


def test_an_unchanged_poster_is_not_downloaded_again(posters_on, image_host):
    image_host.expect_request("/t/p" + POSTER_PATH).respond_with_data(JPEG, content_type="image/jpeg")
    catalogue.import_movie(550)

    catalogue.import_movie(550)

    assert len(image_host.log) == 1


def test_posters_are_off_by_default(fake_tmdb, tmdb_settings, image_host):
    tmdb_settings.TMDB_IMAGE_BASE_URL = image_host.url_for("/t/p/")

    catalogue.import_movie(550)

    assert image_host.log == []
    assert not Movie.objects.get(tmdb_id=550).poster_file


def test_another_host_than_the_configured_one_is_rejected(posters_on, tmdb_settings, image_host):
    # TMDB's configuration says "localhost"; the configured image host is 127.0.0.1: not the same host.
    assert image_host.host == "localhost"
    tmdb_settings.TMDB_IMAGE_BASE_URL = f"http://127.0.0.1:{image_host.port}/t/p/"

    outcome = catalogue.import_movie(550)

    assert outcome.status == "created"  # the import itself succeeds
    assert "not on the configured image host" in outcome.poster_error
    assert image_host.log == []
    assert not Movie.objects.get(tmdb_id=550).poster_file


def test_an_image_host_at_a_private_address_is_refused_unless_allowed(posters_on, tmdb_settings, image_host):
    tmdb_settings.TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES = False

    outcome = catalogue.import_movie(550)

    assert outcome.status == "created"
    assert outcome.poster_error.startswith("PosterRejected: localhost resolves to ")
    assert outcome.poster_error.endswith("a private or loopback address")
    assert image_host.log == []


def test_a_redirect_is_not_followed(posters_on, image_host):
    image_host.expect_request("/t/p" + POSTER_PATH).respond_with_response(
        Response(status=302, headers={"Location": image_host.url_for("/elsewhere.jpg")})
    )
    image_host.expect_request("/elsewhere.jpg").respond_with_data(JPEG, content_type="image/jpeg")

    outcome = catalogue.import_movie(550)

    assert "redirect" in outcome.poster_error
    assert [request.path for request, _ in image_host.log] == ["/t/p" + POSTER_PATH]
    assert not Movie.objects.get(tmdb_id=550).poster_file


def test_a_non_image_is_rejected(posters_on, image_host):
    image_host.expect_request("/t/p" + POSTER_PATH).respond_with_data("<svg onload=alert(1)>", content_type="text/html")

    outcome = catalogue.import_movie(550)

    assert "content type 'text/html'" in outcome.poster_error
    assert not Movie.objects.get(tmdb_id=550).poster_file


def test_svg_is_not_accepted_as_a_poster(posters_on, image_host):
    image_host.expect_request("/t/p" + POSTER_PATH).respond_with_data("<svg/>", content_type="image/svg+xml")

    assert "image/svg+xml" in catalogue.import_movie(550).poster_error


@pytest.mark.parametrize("declared_length", [True, False], ids=["content-length", "streamed"])
def test_a_poster_over_the_size_limit_is_rejected(posters_on, image_host, monkeypatch, declared_length):
    monkeypatch.setattr(catalogue, "POSTER_MAX_BYTES", 1024)
    body = JPEG * 10  # > 1 KB
    if declared_length:
        image_host.expect_request("/t/p" + POSTER_PATH).respond_with_data(body, content_type="image/jpeg")
    else:
        chunks = (body[i : i + 256] for i in range(0, len(body), 256))  # chunked: no Content-Length
        image_host.expect_request("/t/p" + POSTER_PATH).respond_with_response(
            Response(chunks, content_type="image/jpeg", direct_passthrough=True)
        )

    outcome = catalogue.import_movie(550)

    # Refused up front from Content-Length, or while streaming when there is none.
    expected = "6040 bytes is over the 1024-byte limit" if declared_length else "more than the 1024-byte limit"
    assert outcome.poster_error == f"PosterRejected: {expected}"
    assert not Movie.objects.get(tmdb_id=550).poster_file


def test_a_failed_download_is_retried_on_the_next_import(posters_on, image_host):
    image_host.expect_ordered_request("/t/p" + POSTER_PATH).respond_with_data("", status=503)
    image_host.expect_ordered_request("/t/p" + POSTER_PATH).respond_with_data(JPEG, content_type="image/jpeg")

    assert catalogue.import_movie(550).poster_error == "PosterRejected: HTTP 503"
    assert catalogue.import_movie(550).poster_error is None

    assert Movie.objects.get(tmdb_id=550).poster_file.read() == JPEG


def test_a_new_poster_on_tmdb_replaces_the_stored_file(posters_on, image_host):
    image_host.expect_request("/t/p" + POSTER_PATH).respond_with_data(JPEG, content_type="image/jpeg")
    image_host.expect_request("/t/p/w500/new.png").respond_with_data(b"\x89PNG new", content_type="image/png")
    old = catalogue.import_movie(550).movie.poster_file
    storage, old_name = old.storage, old.name
    posters_on.inject("/movie/550", Fault(body=json.dumps({**FIGHT_CLUB, "poster_path": "/new.png"}).encode()))

    outcome = catalogue.import_movie(550)

    assert outcome.changed == ("poster_path", "poster_url")
    movie = Movie.objects.get(tmdb_id=550)
    assert movie.poster_file.name == "posters/tmdb-550-new.png"
    assert movie.poster_file.read() == b"\x89PNG new"
    assert not storage.exists(old_name)
