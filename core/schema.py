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


class AutoSchema(openapi.AutoSchema):
    """Documents the shared error body on every operation, next to its success response."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in _ERRORS.items():
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=description)
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
