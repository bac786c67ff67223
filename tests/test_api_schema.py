"""The API does what /api/schema/ says: every route is in the schema, and a property-based run over every operation,
with every Schemathesis check, finds nothing, as a visitor, as a member and as an admin.

The runs are deterministic (derandomized Hypothesis) and bounded; schemathesis.toml holds the few request rules a
schema cannot state (see the comments there). `make schema-check` runs the same checks against a live server.
"""

import io
import json
import re
from pathlib import Path

import pytest
import requests
import schemathesis
import urllib3
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.config import SchemathesisConfig

from lists.models import FilmList
from tests.factories import MovieFactory, ReviewFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "http://testserver"


class DjangoTestClientAdapter(requests.adapters.HTTPAdapter):
    """Hands each request, encoded as an HTTP client encodes it, to this process's Django through its test client
    (which also keeps the test's database connection open). Schemathesis' own in-process transport encodes an
    empty multipart field so that Django reads no field at all."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        skipped = {"content-type", "content-length", "transfer-encoding"}
        answer = Client(raise_request_exception=False).generic(
            request.method,
            request.path_url,
            data=_body_bytes(request.body),
            content_type=request.headers.get("Content-Type", ""),
            headers={name: value for name, value in request.headers.items() if name.lower() not in skipped},
        )
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(content),
            headers=list(answer.items()),
            status=answer.status_code,
            reason=answer.reason_phrase,
            version=11,
            preload_content=False,
        )
        return self.build_response(request, raw)


def _body_bytes(body) -> bytes:
    if body is None or isinstance(body, bytes):
        return body or b""
    if isinstance(body, str):
        return body.encode()
    return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body)  # a chunked body


schema = schemathesis.openapi.from_dict(
    json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/json").content),
    config=SchemathesisConfig.from_path(ROOT / "schemathesis.toml"),
)
BOUNDED = settings(
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def catalogue(db, settings, monkeypatch):
    """A few films, reviews and a list; no throttling (a 429 is documented, but would hide everything else); and
    no TMDB, whatever the environment says: its endpoints answer their documented 503 and nothing leaves."""
    rates = dict.fromkeys(api_settings.DEFAULT_THROTTLE_RATES)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    settings.TMDB_API_TOKEN = settings.TMDB_API_KEY = ""
    for _ in range(3):
        review = ReviewFactory(movie=MovieFactory())
    FilmList.objects.create(owner=review.user, name="Favourites", public=True)


@pytest.fixture
def in_process(monkeypatch):
    """Requests to BASE_URL go to DjangoTestClientAdapter, from any session: some checks make their own (to send a
    request without the run's credentials)."""
    adapter, find_adapter = DjangoTestClientAdapter(), requests.Session.get_adapter

    def get_adapter(session, url):
        return adapter if url.startswith(BASE_URL) else find_adapter(session, url)

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)


# The access token of each logged-in identity, made by its fixture for the test at hand.
TOKENS: dict[str, str] = {}


class _Bearer:
    identity: str

    def get(self, case, ctx):
        return TOKENS.get(self.identity)  # none while tests are collected

    def set(self, case, token, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


class MemberToken(_Bearer):
    identity = "member"


class AdminToken(_Bearer):
    identity = "admin"


@pytest.fixture
def member(catalogue):
    member = UserFactory(username="schema-member")
    ReviewFactory(user=member, movie=MovieFactory())
    TOKENS["member"] = str(RefreshToken.for_user(member).access_token)
    yield
    del TOKENS["member"]


@pytest.fixture
def admin(catalogue):
    admin = UserFactory(username="schema-admin", is_staff=True, is_superuser=True)
    TOKENS["admin"] = str(RefreshToken.for_user(admin).access_token)
    yield
    del TOKENS["admin"]


@schema.parametrize()
@BOUNDED
def test_a_visitor_gets_what_the_schema_says(case, in_process, catalogue):
    case.call_and_validate(base_url=BASE_URL)


@schema.auth(MemberToken, refresh_interval=None)
@schema.parametrize()
@BOUNDED
def test_a_member_gets_what_the_schema_says(case, in_process, member):
    case.call_and_validate(base_url=BASE_URL)


@schema.auth(AdminToken, refresh_interval=None)
@schema.parametrize()
@BOUNDED
def test_an_admin_gets_what_the_schema_says(case, in_process, admin):
    case.call_and_validate(base_url=BASE_URL)


SPEC = schema.raw_schema


def operation(method: str, path: str) -> dict:
    return SPEC["paths"][path][method]


def parameter(method: str, path: str, name: str) -> dict:
    return next(found for found in operation(method, path)["parameters"] if found["name"] == name)


def json_body(method: str, path: str) -> dict:
    reference = operation(method, path)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return SPEC["components"]["schemas"][reference.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("path", ["/api/genres/", "/api/movies/", "/api/movies/{id}/reviews/"])
def test_public_reads_take_credentials_but_do_not_need_them(path):
    assert operation("get", path)["security"] == [{"jwtAuth": []}, {}]


@pytest.mark.parametrize(
    ("method", "path"), [("post", "/api/genres/"), ("post", "/api/reviews/"), ("get", "/api/feed/")]
)
def test_what_needs_a_member_or_an_admin_needs_credentials(method, path):
    assert operation(method, path)["security"] == [{"jwtAuth": []}]


@pytest.mark.parametrize(
    ("path", "name", "bounds"),
    [
        ("/api/reviews/", "movie", {"type": "integer", "minimum": 1}),
        ("/api/reviews/", "rating_min", {"minimum": 0.5, "maximum": 5, "multipleOf": 0.5}),
        ("/api/movies/", "rating_min", {"minimum": 0, "maximum": 5}),
        ("/api/movies/", "year_min", {"type": "integer", "minimum": 1870, "maximum": 2200}),
        ("/api/movies/", "page_size", {"minimum": 1, "maximum": 100}),
        ("/api/diary/", "month", {"minimum": 1, "maximum": 12}),
        ("/api/genres/{slug}/", "page_size", {"minimum": 1, "maximum": 100}),
    ],
)
def test_query_parameters_carry_the_bounds_the_server_enforces(path, name, bounds):
    documented = parameter("get", path, name)["schema"]
    assert documented | bounds == documented


def test_ordering_names_the_fields_the_server_orders_by():
    ordering = parameter("get", "/api/reviews/", "ordering")
    assert ordering["schema"]["items"]["enum"] == ["created_at", "-created_at", "rating", "-rating"]


@pytest.mark.parametrize(("method", "path"), [("post", "/api/reviews/"), ("patch", "/api/users/me/")])
def test_bodies_that_refuse_unknown_fields_say_so(method, path):
    assert json_body(method, path)["additionalProperties"] is False


def test_text_that_is_trimmed_to_nothing_is_outside_the_schema():
    pattern = json_body("post", "/api/lists/")["properties"]["name"]["pattern"]
    assert re.search(pattern, " Noir ")
    assert not re.search(pattern, " \t\u00a0\u3000")


def test_a_comment_edit_and_an_account_deletion_document_the_body_they_require():
    assert json_body("patch", "/api/comments/{id}/")["required"] == ["body"]
    assert json_body("delete", "/api/users/me/")["required"] == ["password"]


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("get", "/api/genres/", {"400", "401", "403", "404", "429"}),
        ("get", "/api/users/me/", {"401", "403", "429"}),
        ("post", "/api/users/login/", {"400", "401", "413", "415", "429"}),
        ("post", "/api/users/register/", {"400", "413", "415", "429"}),
    ],
)
def test_each_operation_documents_the_errors_it_can_give(method, path, statuses):
    assert {status for status in operation(method, path)["responses"] if status >= "400"} == statuses


def test_every_error_response_has_the_error_shape():
    errors = [
        response["content"]["application/json"]["schema"]
        for item in SPEC["paths"].values()
        for found in item.values()
        for status, response in found["responses"].items()
        if status >= "400"
    ]
    assert len(errors) > 400
    assert all(error == {"$ref": "#/components/schemas/Error"} for error in errors)


# The schema documents the API, not itself.
UNDOCUMENTED = {"/api/schema/", "/api/docs/"}


def served_operations() -> set[tuple[str, str]]:
    """(method, path) for every route under /api/, path parameters written {}."""
    operations = set()
    for route, callback in _routes(get_resolver().url_patterns, ""):
        path = "/" + _parameters_as_braces(route)
        # DefaultRouter's format-suffix copies of its routes (/api/movies.json) are the same operations.
        if not path.startswith("/api/") or "{format}" in path or path in UNDOCUMENTED:
            continue
        for method in _methods(callback):
            operations.add((method, re.sub(r"\{[^}]*\}", "{}", path)))
    return operations


def _routes(patterns, prefix: str):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def _parameters_as_braces(route: str) -> str:
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # re_path("(?P<pk>\d+)/")
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path("<int:pk>/")
    return route.replace("^", "").replace("$", "").replace("\\", "")


def _methods(callback) -> set[str]:
    """The methods a DRF view answers other than with a 405 (OPTIONS and HEAD aside)."""
    view = getattr(callback, "cls", None)
    if view is None:
        return {"NOT A DRF VIEW"}
    allowed = set(view.http_method_names) - {"options", "head"}
    actions = getattr(callback, "actions", None)  # a viewset's route maps methods to its actions
    handled = set(actions) if actions else {method for method in allowed if hasattr(view, method)}
    return {method.upper() for method in handled & allowed}


def documented_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), re.sub(r"\{[^}]*\}", "{}", path))
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    }


def test_every_api_route_and_method_is_in_the_schema(db):
    served = served_operations()

    assert len(served) > 80
    assert served - documented_operations() == set()
