from typing import Any

from rest_framework import serializers
from rest_framework.utils import html


class ErrorSerializer(serializers.Serializer):
    """The documented shape of every error response."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    # A field named like Serializer.errors, which the stubs type as the validation result.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class RejectUnknownFieldsMixin(serializers.Serializer):
    """Fields not listed here are refused (a 400), not dropped; so are values not of the type given, rather than
    coerced: in JSON a number for text, 0 or "true" for a boolean, "5" for a number; in a form post a boolean other
    than true or false, or an empty value where the field cannot be blank."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
            self._refuse_other_types(data)
        return super().to_internal_value(data)

    def _refuse_other_types(self, data: Any) -> None:
        is_form = html.is_html_input(data)
        errors = {}
        for name in data:
            field, value = self.fields[name], data.get(name)
            if field.read_only:
                continue
            message = form_value_error(field, value) if is_form else json_value_error(field, value)
            if message:
                errors[name] = [message]
        if errors:
            raise serializers.ValidationError(errors)


def json_value_error(field: serializers.Field, value: Any) -> str | None:
    """Why a JSON value does not have the field's JSON type, if it does not; fields not listed check their input
    themselves."""
    if value is None:
        return None  # the field says whether it takes null
    if isinstance(field, serializers.BooleanField):
        fits = isinstance(value, bool)
    elif isinstance(field, serializers.IntegerField | serializers.FloatField):
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(field, serializers.CharField):
        fits = isinstance(value, str)
    else:
        fits = True
    return None if fits else str(field.error_messages["invalid"])


def form_value_error(field: serializers.Field, value: Any) -> str | None:
    """Why a form value cannot be read as the field's type, if it cannot (files and lists check themselves)."""
    if not isinstance(value, str) or (value == "" and field.allow_null):
        return None
    if isinstance(field, serializers.BooleanField):
        return None if value in {"true", "false"} else str(field.error_messages["invalid"])
    if isinstance(field, serializers.IntegerField | serializers.FloatField) and value == "":
        return str(field.error_messages["invalid"])
    if isinstance(field, serializers.CharField) and value == "" and not field.allow_blank:
        return str(field.error_messages["blank"])
    return None
