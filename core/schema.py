"""What the OpenAPI schema says beyond drf-spectacular's defaults, so that it says what the server does: who may
call an operation, the bounds the server enforces on its parameters, the bodies that refuse unknown fields, and
the error responses each operation can give."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core import validators
from django.http import HttpRequest
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.plumbing import force_instance, get_manager, get_view_model, is_basic_serializer
from rest_framework import serializers
from rest_framework.request import Request

from core.serializers import ErrorSerializer, RejectUnknownFieldsMixin

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: the body names each problem.",
    "401": "Authentication credentials were missing or invalid.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "Not found.",
    "413": "The request body is larger than the server accepts.",
    "415": "The request body's media type is not supported.",
    "429": "Too many requests: retry after the time in the Retry-After header.",
}
BODY_METHODS = {"POST", "PUT", "PATCH"}
# (validator, keyword, which of two limits is the tighter)
BOUND_KEYWORDS = [
    (validators.MinValueValidator, "minimum", max),
    (validators.MaxValueValidator, "maximum", min),
    (validators.MinLengthValidator, "minLength", max),
    (validators.MaxLengthValidator, "maxLength", min),
    (validators.StepValueValidator, "multipleOf", max),
]
OPTIONAL_AUTH: dict[str, list[str]] = {}  # the empty security requirement: no credentials needed
# A character Python's str.strip() keeps: DRF trims text fields, and refuses one left empty where blank is not allowed.
NOT_ONLY_WHITESPACE = "[^\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        self._allow_empty_serializer_query_values(operation)
        if self.method == "DELETE" and self.get_request_serializer() is not None:
            # drf-spectacular documents bodies on POST, PUT and PATCH only; this DELETE's @extend_schema names one.
            operation["requestBody"] = self._delete_body()
        error = {"content": {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}}
        for code in self._error_statuses(operation):
            operation["responses"].setdefault(code, {**error, "description": ERROR_DESCRIPTIONS[code]})
        return operation

    def _allow_empty_serializer_query_values(self, operation: dict[str, Any]) -> None:
        """A serializer that @extend_schema(parameters=...) spreads into query parameters reads an optional one sent
        empty (`?limit=`) as not sent: its default applies."""
        optional = {
            name
            for parameter in self.get_override_parameters()
            if is_basic_serializer(parameter)
            for name, field in force_instance(parameter).fields.items()
            if not field.required
        }
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in optional:
                parameter["allowEmptyValue"] = True

    def get_auth(self) -> list[dict[str, Any]]:
        """Credentials are optional wherever the permissions let a visitor in."""
        requirements = super().get_auth()
        if requirements and OPTIONAL_AUTH not in requirements and allows_visitors(self.view, self.method):
            requirements.append(OPTIONAL_AUTH)
        return requirements

    def resolve_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        serializer = force_instance(serializer)
        if getattr(serializer, "partial", False) and getattr(serializer, "partial_updates", True) is False:
            serializer.partial = False  # drf-spectacular's own copy, made partial for a PATCH
        component = super().resolve_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and component.schema:
            if isinstance(serializer, RejectUnknownFieldsMixin):
                component.schema["additionalProperties"] = False  # it answers 400 to a field it does not declare
            for name, schema in component.schema.get("properties", {}).items():
                if _refuses_blank_after_trimming(serializer.fields.get(name)):
                    schema.setdefault("pattern", NOT_ONLY_WHITESPACE)
        return component

    def map_parsers(self) -> list[Any]:
        """Request bodies are documented as JSON, and as multipart where they carry a file. The server reads form
        posts too, but a form's loose typing ("on" or "0" for a boolean, an empty field for one not sent) is not
        something a JSON Schema can state; JSON is the documented way."""
        media_types = super().map_parsers()
        documented = ["application/json"]
        if self._uploads_a_file():
            documented.append("multipart/form-data")
        return [media_type for media_type in media_types if media_type in documented] or media_types

    def _uploads_a_file(self) -> bool:
        serializer = force_instance(self.get_request_serializer())
        fields = getattr(serializer, "fields", {})
        return any(isinstance(field, serializers.FileField) for field in fields.values())

    def get_request_serializer(self) -> Any:
        # Reached only when no @extend_schema names a request: a DELETE reads no body then.
        return None if self.method == "DELETE" else super().get_request_serializer()

    def _delete_body(self) -> dict[str, Any]:
        schema = self.resolve_serializer(self.get_request_serializer(), "request").ref
        return {"content": {media_type: {"schema": schema} for media_type in self.map_parsers()}, "required": True}

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        statuses = []
        if parameters or "requestBody" in operation:
            statuses.append("400")
        if self.view.get_authenticators():
            # An invalid or expired token is refused anywhere; a member may lack the right to act (not the
            # author, not an admin, blocked).
            statuses += ["401", "403"]
        if any(parameter["in"] == "path" or parameter["name"] == "page" for parameter in parameters):
            statuses.append("404")
        if self.method in BODY_METHODS:
            statuses += ["413", "415"]
        if self.view.get_throttles():
            statuses.append("429")
        return statuses


def _refuses_blank_after_trimming(field: Any) -> bool:
    return (
        isinstance(field, serializers.CharField)
        and field.trim_whitespace
        and not field.allow_blank
        and not field.read_only
    )


def allows_visitors(view: Any, method: str) -> bool:
    """Whether the view's permissions let a request without credentials through (objects may still refuse)."""
    request = HttpRequest()
    request.method = method
    visitor = Request(request)  # no authenticators: its user is anonymous
    return all(permission.has_permission(visitor, view) for permission in view.get_permissions())


def form_field_bounds(field: forms.Field) -> dict[str, Any]:
    """The JSON Schema keywords for what a form field's validators refuse; the tightest bound wins."""
    schema: dict[str, Any] = {}
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.FloatField | forms.DecimalField):
        schema["type"] = "integer"
    for validator in field.validators:
        limit = getattr(validator, "limit_value", None)
        if not isinstance(limit, int | float | Decimal):
            continue
        limit = int(limit) if limit == int(limit) else float(limit)
        for kind, keyword, tightest in BOUND_KEYWORDS:
            if isinstance(validator, kind):
                schema[keyword] = tightest(schema.get(keyword, limit), limit)
    return schema


class BoundedDjangoFilterExtension(DjangoFilterExtension):
    """django-filter's query parameters, with the bounds their form fields enforce (min_value, max_value,
    max_length ...; a filter's explicit @extend_schema_field wins), and empty values allowed: they filter nothing."""

    target_class = "core.filters.FilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        bounds = form_field_bounds(filter_field.field)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True  # django-filter reads `?name=` as no filter
            schema = parameter["schema"]
            if schema.get("type") == "array":
                continue
            if bounds.get("type") == "integer" and schema.get("type") == "number":
                schema.pop("format", None)
                schema["type"] = "integer"
            for keyword, value in bounds.items():
                schema.setdefault(keyword, value)
        return parameters


class StrictOrderingFilterExtension(OpenApiFilterExtension):
    """`ordering`: a comma-separated list of the fields the view orders by, each with `-` for descending; the
    server refuses any other."""

    target_class = "core.filters.StrictOrderingFilter"

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        fields = self._orderable_fields(auto_schema.view)
        if not fields:
            return []
        return [
            {
                "name": self.target.ordering_param,
                "in": "query",
                "required": False,
                "description": f"Any of {', '.join(fields)}, comma-separated; - in front for descending.",
                "schema": {"type": "array", "items": {"type": "string", "enum": orderings(fields)}},
                "style": "form",
                "explode": False,
                "allowEmptyValue": True,  # `?ordering=` is the default order
            }
        ]

    def _orderable_fields(self, view: Any) -> list[str]:
        explicit = getattr(view, "ordering_fields", None)
        queryset = None
        if explicit is None or explicit == "__all__":
            # The defaults come from the model's fields: no rows are read.
            model = get_view_model(view)
            if model is None:
                return []
            queryset = get_manager(model).none()
        return [name for name, _label in self.target.get_valid_fields(queryset, view, {})]


def orderings(fields: list[str]) -> list[str]:
    return [term for name in fields for term in (name, f"-{name}")]
