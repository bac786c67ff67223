"""API7:2023 Server Side Request Forgery.

The server fetches URLs in two places only (a test holds that no other module of the apps imports an HTTP client):
the TMDB API client and the poster download. The TMDB client sends every request to TMDB_API_BASE_URL's host and
follows no redirect. The poster download goes to TMDB_IMAGE_BASE_URL's host only, follows no redirect, connects only
to public addresses (a host resolving to a private, loopback, link-local or metadata address is refused before any
connection) and connects to the very address it checked, so that DNS cannot answer differently the second time.
Image URLs written through the API (``poster_url``, ``backdrop_url``) name the image host only.
"""

import ast
import socket
from pathlib import Path

import httpx
import pytest

from imports.tmdb import catalogue
from imports.tmdb.catalogue import PosterRejected, poster_download
from imports.tmdb.client import TmdbClient, TmdbConfig
from imports.tmdb.errors import TmdbError
from tests.security.support import ADMIN, World

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "movies", "accounts", "follows", "reviews", "activity", "lists", "comments", "feed", "notifications"]
APPS += ["imports", "recommendations", "web", "config"]
HTTP_CLIENTS = {"httpx", "requests", "urllib.request", "urllib3", "http.client", "aiohttp", "pycurl", "socket"}
FETCHING_MODULES = {"imports/tmdb/client.py", "imports/tmdb/catalogue.py"}
JPEG = b"\xff\xd8\xff\xe0" + b"poster" * 50


def shipped_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_only_the_tmdb_client_and_the_poster_download_fetch_urls():
    fetching = {
        str(path.relative_to(ROOT))
        for path in shipped_modules()
        if any(
            name == client or name.startswith(f"{client}.") for name in imported_names(path) for client in HTTP_CLIENTS
        )
    }
    assert fetching == FETCHING_MODULES


# --- the TMDB API client --------------------------------------------------------------------------------------


def recording_client(handler) -> tuple[TmdbClient, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def transport(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return handler(request)

    config = TmdbConfig(base_url="https://api.themoviedb.org/3", api_token="token", rate_limit_per_second=0)
    return TmdbClient(config, transport=httpx.MockTransport(transport), sleep=lambda seconds: None), sent


@pytest.mark.parametrize(
    "path", ["https://169.254.169.254/latest/meta-data/", "http://api.themoviedb.org/3/x", "https://evil.example/3/"]
)
def test_the_tmdb_client_sends_nothing_to_another_host(path):
    client, sent = recording_client(lambda request: httpx.Response(200, json={}))

    with pytest.raises(TmdbError, match="not on TMDB_API_BASE_URL's host"):
        client.get_json(path)

    assert sent == []


def test_a_protocol_relative_path_stays_on_the_tmdb_host():
    client, sent = recording_client(lambda request: httpx.Response(200, json={}))

    client.get_json("//evil.example/movie/1")

    assert [request.url.host for request in sent] == ["api.themoviedb.org"]


def test_the_tmdb_client_follows_no_redirect():
    def handler(request):
        if request.url.host == "api.themoviedb.org":
            return httpx.Response(302, headers={"Location": "http://127.0.0.1/admin"})
        return httpx.Response(200, json={"id": 1})

    client, sent = recording_client(handler)

    with pytest.raises(TmdbError):
        client.movie_details(550)

    assert [request.url.host for request in sent] == ["api.themoviedb.org"]


# --- posters --------------------------------------------------------------------------------------------------


@pytest.fixture
def image_base(settings):
    def configure(base_url: str, *, allow_private: bool = False) -> None:
        settings.TMDB_IMAGE_BASE_URL = base_url
        settings.TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES = allow_private
        settings.TMDB_TIMEOUT = 2

    return configure


@pytest.fixture
def no_connections(monkeypatch):
    """Fails the test on any attempt to connect anywhere."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)


def test_a_poster_from_another_host_is_refused(image_base, no_connections):
    image_base("https://image.tmdb.org/t/p/")

    with pytest.raises(PosterRejected, match="not on the configured image host"):
        poster_download("https://169.254.169.254/t/p/w500/x.jpg")


PRIVATE_HOSTS = [
    "127.0.0.1",
    "localhost",
    "10.0.0.7",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "[::1]",
    "[fd00::1]",
    "[fe80::1]",
    "[::ffff:127.0.0.1]",
]


@pytest.mark.parametrize("host", PRIVATE_HOSTS)
def test_an_image_host_at_a_private_address_is_refused_before_connecting(image_base, no_connections, host):
    image_base(f"http://{host}:8080/t/p/")

    with pytest.raises(PosterRejected, match="a private or loopback address"):
        poster_download(f"http://{host}:8080/t/p/w500/x.jpg")


def test_an_image_host_name_resolving_to_a_private_address_is_refused(image_base, no_connections, monkeypatch):
    image_base("https://image.tmdb.org/t/p/")
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.1.2.3", 443))])

    with pytest.raises(PosterRejected, match=r"resolves to 10\.1\.2\.3"):
        poster_download("https://image.tmdb.org/t/p/w500/x.jpg")


def test_the_download_connects_to_the_address_it_checked(image_base, httpserver, monkeypatch):
    """The image host's name resolves (here, by a stand-in resolver) to the local server; the request reaches it
    with the name in its Host header, though no real resolver knows that name: nothing looked it up a second time."""
    name = "images.flixreview.invalid"
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        return real("127.0.0.1" if host == name else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    image_base(f"http://{name}:{httpserver.port}/t/p/", allow_private=True)
    httpserver.expect_request("/t/p/w500/x.jpg").respond_with_data(JPEG, content_type="image/jpeg")

    assert poster_download(f"http://{name}:{httpserver.port}/t/p/w500/x.jpg") == JPEG

    (request, _response) = httpserver.log[0]
    assert request.headers["Host"] == f"{name}:{httpserver.port}"


def test_a_poster_redirect_is_not_followed(image_base, httpserver):
    image_base(httpserver.url_for("/t/p/"), allow_private=True)
    httpserver.expect_request("/t/p/w500/x.jpg").respond_with_data("", status=302, headers={"Location": "/meta"})
    httpserver.expect_request("/meta").respond_with_data(JPEG, content_type="image/jpeg")

    with pytest.raises(PosterRejected, match="redirect"):
        poster_download(httpserver.url_for("/t/p/w500/x.jpg"))

    assert [request.path for request, _ in httpserver.log] == ["/t/p/w500/x.jpg"]


def test_posters_are_only_fetched_when_asked_for(settings):
    assert settings.TMDB_DOWNLOAD_POSTERS is False
    assert settings.TMDB_POSTERS_ALLOW_PRIVATE_ADDRESSES is False
    assert {"image/jpeg", "image/png", "image/webp", "image/gif"} == catalogue.POSTER_CONTENT_TYPES


# --- image URLs written through the API ----------------------------------------------------------------------

OTHER_HOSTS = [
    "https://169.254.169.254/latest/meta-data/x.jpg",
    "https://evil.example/t/p/w500/x.jpg",
    "http://image.tmdb.org/t/p/w500/x.jpg",  # not https: another origin
    "https://image.tmdb.org.evil.example/t/p/w500/x.jpg",
    "https://image.tmdb.org:8443/t/p/w500/x.jpg",
    "ftp://image.tmdb.org/t/p/w500/x.jpg",
]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["poster_url", "backdrop_url"])
@pytest.mark.parametrize("url", OTHER_HOSTS)
def test_an_image_url_on_another_host_is_refused(world: World, field, url):
    client = world.client(ADMIN)

    created = client.post("/api/movies/", {"title": "New", field: url}, format="json")
    changed = client.patch(f"/api/movies/{world.fresh_movie}/", {field: url}, format="json")

    assert created.status_code == 400 and field in created.json()["errors"]
    assert changed.status_code == 400 and field in changed.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["poster_url", "backdrop_url"])
def test_an_image_url_on_the_image_host_is_accepted(world: World, field):
    url = "https://image.tmdb.org/t/p/w500/abc.jpg"

    response = world.client(ADMIN).patch(f"/api/movies/{world.fresh_movie}/", {field: url}, format="json")

    assert response.status_code == 200
    assert response.json()[field] == url
