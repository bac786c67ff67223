"""One JSON error body for every failure under /api/.

    {"status": 400, "code": "invalid", "detail": "rating: Ratings go from 0.5 to 5 in steps of 0.5.",
     "errors": {"rating": ["Ratings go from 0.5 to 5 in steps of 0.5."]}}

`errors` is present only for validation failures; `detail` is always a readable sentence.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def error_body(status_code: int, code: str, detail: str, errors: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def _flatten_messages(errors) -> list[str]:
    if isinstance(errors, dict):
        return [f"{field}: {msg}" for field, value in errors.items() for msg in _flatten_messages(value)]
    if isinstance(errors, list):
        return [msg for item in errors for msg in _flatten_messages(item)]
    return [str(errors)]


def _as_field_errors(detail) -> dict[str, list[str]]:
    """{field: [messages]}; nested errors (list items, nested objects) become "key: message" strings."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    return {str(field): _flatten_messages(value) for field, value in detail.items()}


def _to_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    return exc


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body is too large."
    default_code = "request_too_large"


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _to_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(exc.detail)
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "invalid"
        detail = "; ".join(_flatten_messages(errors)) or "Invalid input."
        response.data = error_body(response.status_code, code, detail, errors)
        return response
    if isinstance(exc, (Http404, PermissionDenied)):
        exc = exceptions.NotFound() if isinstance(exc, Http404) else exceptions.PermissionDenied()
    assert isinstance(exc, exceptions.APIException)  # DRF answered it, so it is one
    response.data = _api_error_body(response.status_code, exc)
    return response


def _api_error_body(status_code: int, exc: exceptions.APIException) -> dict:
    detail: Any = exc.detail
    code: Any = exc.get_codes()
    if isinstance(detail, dict):
        # simplejwt nests its message: {"detail": ..., "code": ..., "messages": [...]}.
        detail, code = detail.get("detail", "Invalid request."), code.get("code", "error")
    return error_body(status_code, str(code), str(detail))


def _json_error(request, status_code: int, code: str, detail: str):
    return JsonResponse(error_body(status_code, code, detail), status=status_code)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return _json_error(request, 413, "request_too_large", "Request body is too large.")
    return _json_error(request, 400, "bad_request", "Bad request.")


def permission_denied(request, exception=None):
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return _json_error(request, 403, "permission_denied", "You do not have permission to perform this action.")


def page_not_found(request, exception=None):
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    return _json_error(request, 404, "not_found", "Not found.")


def server_error(request):
    if not _is_api(request):
        return defaults.server_error(request)
    return _json_error(request, 500, "server_error", "Internal server error.")
