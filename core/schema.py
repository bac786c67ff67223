from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

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

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**_ERRORS, **_BODY_ERRORS} if self.method in {"POST", "PUT", "PATCH"} else _ERRORS
        for code, description in errors.items():
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=description)
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
