"""The shared JSON error body, for every kind of failure a client can cause."""

import pytest
from django.test import override_settings

from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


def assert_error_body(response, status_code: int, code: str | None = None) -> dict:
    assert response.status_code == status_code
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status_code
    assert body["detail"]
    if code is not None:
        assert body["code"] == code
    return body


def test_validation_error_names_each_field(user_client, movie):
    response = user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 6}, format="json")
    body = assert_error_body(response, 400, "invalid")
    assert list(body["errors"]) == ["rating"]
    assert "rating" in body["detail"]


def test_unknown_fields_are_rejected_by_name(user_client, movie):
    response = user_client.post(
        "/api/reviews/", {"movie": movie.pk, "rating": 4, "stars": 5, "colour": "red"}, format="json"
    )
    body = assert_error_body(response, 400)
    assert sorted(body["errors"]) == ["colour", "stars"]


def test_malformed_json_is_a_parse_error(user_client):
    response = user_client.post("/api/reviews/", data="{not json", content_type="application/json")
    body = assert_error_body(response, 400, "parse_error")
    assert "JSON" in body["detail"]


def test_a_json_array_body_is_rejected_not_crashed(user_client):
    response = user_client.post("/api/reviews/", data="[1, 2]", content_type="application/json")
    assert_error_body(response, 400)


def test_missing_credentials_are_401(api_client, movie):
    response = api_client.post("/api/reviews/", {"movie": movie.pk, "rating": 4}, format="json")
    assert_error_body(response, 401, "not_authenticated")


def test_garbage_bearer_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api_client.get("/api/movies/")
    assert_error_body(response, 401)


def test_forbidden_write_is_403(user_client):
    response = user_client.post("/api/movies/", {"title": "Nope"}, format="json")
    assert_error_body(response, 403, "permission_denied")


def test_unknown_api_url_is_json_404(api_client):
    assert_error_body(api_client.get("/api/does-not-exist/"), 404, "not_found")


def test_non_numeric_id_is_json_404(api_client):
    assert_error_body(api_client.get("/api/movies/abc/"), 404, "not_found")


def test_unknown_object_is_json_404(api_client):
    assert_error_body(api_client.get("/api/movies/987654/"), 404, "not_found")


def test_wrong_method_is_405(api_client):
    assert_error_body(api_client.put("/api/recommendations/top-rated/"), 405, "method_not_allowed")


def test_unsupported_media_type_is_415(user_client, movie):
    response = user_client.post("/api/reviews/", data="rating=4", content_type="text/plain")
    assert_error_body(response, 415, "unsupported_media_type")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413_and_writes_nothing(user_client, movie):
    response = user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 4, "body": "x" * 5000}, format="json")
    assert_error_body(response, 413, "request_too_large")
    assert movie.reviews.count() == 0


def test_huge_integers_in_filters_and_bodies_are_4xx(api_client, user_client):
    assert_error_body(api_client.get("/api/reviews/", {"movie": 10**30}), 400)
    assert_error_body(api_client.get(f"/api/movies/{10**30}/"), 404)
    response = user_client.post("/api/reviews/", {"movie": 10**30, "rating": 3}, format="json")
    assert_error_body(response, 400)


def test_non_api_404_keeps_django_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_django_level_error_handlers_answer_json(rf):
    from core import errors

    request = rf.get("/api/anything/")
    assert errors.bad_request(request).status_code == 400
    assert errors.permission_denied(request).status_code == 403
    assert errors.server_error(request).status_code == 500
    assert errors.page_not_found(request).status_code == 404
    from django.core.exceptions import RequestDataTooBig

    too_big = errors.bad_request(request, RequestDataTooBig())
    assert too_big.status_code == 413


def test_model_validation_error_becomes_400():
    from django.core.exceptions import ValidationError
    from rest_framework.exceptions import ValidationError as ApiValidationError

    from core.errors import _to_api_exception

    converted = _to_api_exception(ValidationError({"title": ["Too long."]}))
    assert isinstance(converted, ApiValidationError)
    assert converted.detail == {"title": ["Too long."]}
    converted = _to_api_exception(ValidationError("Bad."))
    assert converted.detail == ["Bad."]


def test_throttled_requests_get_429_with_retry_after(api_client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None, "auth": None})
    MovieFactory()
    assert api_client.get("/api/movies/").status_code == 200
    assert api_client.get("/api/movies/").status_code == 200
    response = api_client.get("/api/movies/")
    assert_error_body(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_nested_list_errors_are_flattened_to_messages_per_field(admin_client):
    response = admin_client.post("/api/movies/", {"title": "X", "genre_ids": [1, "a", "b"]}, format="json")
    body = assert_error_body(response, 400)
    messages = body["errors"]["genre_ids"]
    assert all(isinstance(message, str) for message in messages)
    assert messages == ["1: A valid integer is required.", "2: A valid integer is required."]
