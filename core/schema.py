from typing import Any

from drf_spectacular import openapi

from core.serializers import ErrorSerializer

_ERRORS = {
    "400": "Invalid input: the body names each problem.",
    "401": "Authentication credentials were missing or invalid.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "Not found.",
    "429": "Too many requests: retry after the time in the Retry-After header.",
}
_BODY_ERRORS = {
    "413": "The request body is larger than the server accepts.",
    "415": "The request body's media type is not supported.",
}


class AutoSchema(openapi.AutoSchema):
    """Documents the shared error body on every operation, next to its success response."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            error = {"content": {"application/json": {"schema": self._error_schema()}}}
            errors = {**_ERRORS, **_BODY_ERRORS} if self.method in {"POST", "PUT", "PATCH"} else _ERRORS
            for code, description in errors.items():
                operation["responses"].setdefault(code, {**error, "description": description})
        return operation

    def _error_schema(self) -> dict[str, Any]:
        component = self.resolve_serializer(ErrorSerializer, "response")
        return component.ref
