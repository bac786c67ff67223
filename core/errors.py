"""One JSON error body for every failure under /api/.

    {"status": 400, "code": "invalid", "detail": "rating: Ratings go from 0.5 to 5 in steps of 0.5.",
     "errors": {"rating": ["Ratings go from 0.5 to 5 in steps of 0.5."]}}

`errors` is present only for validation failures; `detail` is always a readable sentence.

A database that cannot be reached (refused, dropped, restarting) is a 503 with a Retry-After header: this JSON body
under /api/, the site's "back soon" page elsewhere. Every other database error is a bug and stays a 500.
"""

import logging
import sys
from typing import Any

import psycopg
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.logging import DATABASE_UNAVAILABLE_MARK

logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_SECONDS = 5
# A server going away or not back yet: admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting
# down, in recovery). The whole 08 class is "connection exception". A cancelled or deadlocked query is not here.
_SERVER_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


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
    # Reached for an exception raised outside a view too (a middleware reading the session, say); Django calls
    # this handler while handling it.
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unreachable(exception):
        return database_unavailable(request, exception)
    if not _is_api(request):
        return defaults.server_error(request)
    return _json_error(request, 500, "server_error", "Internal server error.")


def is_database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached: the connection was refused, dropped or is closed, or
    the server is shutting down or starting up. A bad query or a broken constraint is not (that is a bug)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__  # Django keeps the driver's exception here
    if not isinstance(cause, psycopg.Error):
        return False
    # No SQLSTATE: the client never got an answer from the server (refused, reset, closed).
    return cause.sqlstate is None or cause.sqlstate.startswith("08") or cause.sqlstate in _SERVER_UNAVAILABLE_SQLSTATES


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """A 503 telling the client to come back shortly, logged as one warning line without a traceback."""
    logger.warning(
        "database unavailable, answered 503 to %s %s: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        " ".join(str(exc).split()),
    )
    # core.logging.SkipAnsweredDatabaseOutages drops Django's own error line for it: this warning is the one line.
    setattr(request, DATABASE_UNAVAILABLE_MARK, True)
    if _is_api(request):
        detail = "The database is unavailable at the moment; try again in a few seconds."
        response: HttpResponse = _json_error(request, 503, "database_unavailable", detail)
    else:
        # Rendered without the request: context processors would query the database that is down.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response
