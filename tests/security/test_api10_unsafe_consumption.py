"""API10:2023 Unsafe Consumption of APIs.

TMDB's answers, served by the local fake TMDB and imported through the admin endpoint, are not trusted: a body over
the 5 MB cap, one that is not JSON or not an object, and a movie without a usable id are a 502 that stores nothing;
values of the wrong type count as missing; absurd numbers (runtimes, budgets, ids past the columns) are dropped;
overlong text and lists are cut to size; an IMDb id, image path or image base URL of the wrong shape is not used,
so no stored URL leaves the image host. Markup in TMDB's text is stored as the text it is, returned as a JSON
string, and escaped on the site's pages.
"""

import json
from collections.abc import Iterator

import pytest
from django.test import Client

from core.origins import on_origin_of
from imports.tmdb import catalogue
from imports.tmdb.client import MAX_RESPONSE_BYTES, TmdbClient
from imports.tmdb.types import MAX_DIRECTORS, MAX_KEYWORDS, MAX_OVERVIEW
from movies.models import Genre, Movie
from tests.fake_tmdb import DEFAULT_TOKEN, FakeTmdb, Fault, run_fake_tmdb
from tests.security.support import ADMIN, World

pytestmark = pytest.mark.django_db

TMDB_ID = 4242
SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'


def movie_body(**fields) -> dict:
    return {"id": TMDB_ID, "title": "Plain", "overview": "", "release_date": "2001-02-03", **fields}


@pytest.fixture
def tmdb(settings, monkeypatch) -> Iterator[FakeTmdb]:
    # The client retries a body it cannot read: here without waiting between tries.
    monkeypatch.setattr(catalogue, "make_client", lambda: TmdbClient.from_settings(sleep=lambda seconds: None))
    app = FakeTmdb([movie_body()])
    with run_fake_tmdb(app) as base_url:
        settings.TMDB_API_BASE_URL = base_url
        settings.TMDB_API_TOKEN = DEFAULT_TOKEN
        settings.TMDB_IMAGE_BASE_URL = "https://image.tmdb.org/t/p/"
        settings.TMDB_RATE_LIMIT = 0
        settings.TMDB_DOWNLOAD_POSTERS = False
        yield app


def answer(tmdb: FakeTmdb, body: bytes | dict | list, path: str = f"/movie/{TMDB_ID}") -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    tmdb.inject(path, Fault(body=raw), times=10)  # the client's retries get the same


def imported(world: World):
    return world.client(ADMIN).post("/api/movies/import-tmdb/", {"tmdb_id": TMDB_ID}, format="json")


UNREADABLE = {
    "over the 5 MB cap": b'{"id": 4242, "overview": "' + b"x" * MAX_RESPONSE_BYTES + b'"}',
    "not JSON": b"<html>Bad gateway</html>",
    "cut off": b'{"id": 4242, "title": "Pla',
    "a JSON list": b"[1, 2, 3]",
    "no id": json.dumps({"title": "Nameless"}).encode(),
    "an id past 32 bits": json.dumps(movie_body(id=2**40)).encode(),
    "an id that is a word": json.dumps(movie_body(id="fifty")).encode(),
}


@pytest.mark.parametrize("kind", UNREADABLE)
def test_an_unreadable_answer_is_a_502_that_stores_nothing(world, tmdb, kind):
    answer(tmdb, UNREADABLE[kind])
    movies = Movie.objects.count()

    response = imported(world)

    assert response.status_code == 502, response.content[:300]
    assert response.json()["code"] == "tmdb_bad_response"
    assert Movie.objects.count() == movies


WRONG_TYPES = movie_body(
    title={"text": "an object"},
    overview=["a", "list"],
    release_date=20010203,
    runtime="long",
    budget="lots",
    revenue=[1],
    genres="Drama",
    credits=["not", "an", "object"],
    keywords="noir",
    imdb_id=137523,
    poster_path={"path": "/x.jpg"},
)


def test_values_of_the_wrong_type_count_as_missing(world, tmdb):
    answer(tmdb, WRONG_TYPES)

    response = imported(world)

    assert response.status_code == 201, response.content[:300]
    movie = Movie.objects.get(tmdb_id=TMDB_ID)
    assert (movie.title, movie.description, movie.release_date) == (f"TMDB movie {TMDB_ID}", "", None)
    assert (movie.runtime, movie.budget, movie.revenue, movie.imdb_id, movie.poster_url) == (None, None, None, "", "")
    assert (movie.keywords, movie.cast, movie.directors, list(movie.genres.all())) == ([], [], [], [])


ABSURD = movie_body(
    runtime=10**9,
    budget=10**30,
    revenue=-5,
    release_date="99999-01-01",
    genres=[{"id": -1, "name": "Negative"}, {"id": 2**40, "name": "Huge"}, {"id": 18, "name": "Drama"}],
    vote_average=1e308,
    popularity="NaN",
)


def test_absurd_numbers_are_dropped(world, tmdb):
    answer(tmdb, ABSURD)

    assert imported(world).status_code == 201
    movie = Movie.objects.get(tmdb_id=TMDB_ID)
    assert (movie.runtime, movie.budget, movie.revenue, movie.release_date) == (None, None, None, None)
    assert list(movie.genres.values_list("tmdb_id", flat=True)) == [18]


def test_overlong_text_and_lists_are_cut_to_size(world, tmdb):
    crew = [{"name": f"Director {n}", "job": "Director"} for n in range(MAX_DIRECTORS * 3)]
    keywords = {"keywords": [{"id": n, "name": f"keyword {n}"} for n in range(MAX_KEYWORDS * 3)]}
    answer(
        tmdb, movie_body(title="T" * 1000, overview="o" * (MAX_OVERVIEW * 3), credits={"crew": crew}, keywords=keywords)
    )

    assert imported(world).status_code == 201
    movie = Movie.objects.get(tmdb_id=TMDB_ID)
    assert len(movie.title) == Movie._meta.get_field("title").max_length
    assert len(movie.description) == MAX_OVERVIEW
    assert (len(movie.keywords), len(movie.directors)) == (MAX_KEYWORDS, MAX_DIRECTORS)


@pytest.mark.parametrize(
    "path",
    [
        "/../../../etc/passwd",
        "//evil.example/x.jpg",
        "javascript:alert(1)",
        "/x.jpg?y=1#z",
        "/a/b.jpg",
        "/a%2F..%2Fb.jpg",
    ],
)
def test_an_image_path_that_is_not_one_file_name_is_not_used(world, tmdb, path):
    answer(tmdb, movie_body(poster_path=path, backdrop_path=path, imdb_id="javascript:alert(1)"))

    assert imported(world).status_code == 201
    movie = Movie.objects.get(tmdb_id=TMDB_ID)
    assert (movie.poster_path, movie.poster_url, movie.backdrop_url, movie.imdb_id) == ("", "", "", "")


@pytest.mark.parametrize(
    "base", ["javascript:alert(1)//", "data:text/html,<script>alert(1)</script>", "//evil.example/t/p/", "/t/p/"]
)
def test_an_image_base_url_that_is_not_http_is_not_used(world, tmdb, settings, base):
    answer(tmdb, {"images": {"secure_base_url": base, "base_url": base, "poster_sizes": ["w500"]}}, "/configuration")
    answer(tmdb, movie_body(poster_path="/poster.jpg"))

    assert imported(world).status_code == 201
    poster_url = Movie.objects.get(tmdb_id=TMDB_ID).poster_url
    assert poster_url == "https://image.tmdb.org/t/p/w500/poster.jpg"
    assert on_origin_of(poster_url, settings.TMDB_IMAGE_BASE_URL)


MARKUP = movie_body(
    title=f"Title {SCRIPT}",
    overview=f"Overview {IMAGE}",
    genres=[{"id": 77, "name": f"Genre {SCRIPT}"}],
    credits={"cast": [{"name": f"Actor {IMAGE}", "order": 0}], "crew": [{"name": f"Dir {SCRIPT}", "job": "Director"}]},
)


def test_markup_is_stored_and_returned_as_the_text_it_is(world, tmdb):
    answer(tmdb, MARKUP)

    body = imported(world).json()

    assert (body["title"], body["description"]) == (f"Title {SCRIPT}", f"Overview {IMAGE}")
    assert (body["cast"], body["directors"]) == ([f"Actor {IMAGE}"], [f"Dir {SCRIPT}"])
    assert Genre.objects.filter(tmdb_id=77, name=f"Genre {SCRIPT}").exists()


@pytest.mark.parametrize("page", ["film", "films", "genres", "genre"])
def test_markup_is_escaped_on_the_sites_pages(world, tmdb, page):
    answer(tmdb, MARKUP)
    movie_id = imported(world).json()["id"]
    slug = Genre.objects.get(tmdb_id=77).slug
    path = {"film": f"/films/{movie_id}/", "films": "/films/", "genres": "/genres/", "genre": f"/genres/{slug}/"}[page]

    html = Client().get(path).content.decode()

    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in html or "Genre &lt;script&gt;" in html
    assert SCRIPT not in html and "<img src=x" not in html
