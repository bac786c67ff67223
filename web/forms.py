"""Forms whose rules are the API's: a page's form renders fields and shows errors, and its validation is the
API serializer's, so the site and the API accept exactly the same input."""

from typing import Any, ClassVar

from django import forms
from rest_framework import serializers


class SerializerForm(forms.Form):
    """A form validated by ``serializer_class``: its errors land on the matching fields (others on the form);
    ``validated`` holds the serializer's validated data after is_valid()."""

    serializer_class: ClassVar[type[serializers.Serializer]]
    validated: dict[str, Any]

    def __init__(self, *args: Any, serializer_context: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.serializer_context = serializer_context or {}
        self.validated = {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data = {name: value for name, value in cleaned.items() if value not in (None, "")}
        serializer = self.serializer_class(data=data, context=self.serializer_context)
        if serializer.is_valid():
            self.validated = dict(serializer.validated_data)
        else:
            self.add_serializer_errors(serializer.errors)
        return cleaned

    def add_serializer_errors(self, errors: Any) -> None:
        for name, messages in errors.items() if isinstance(errors, dict) else [(None, errors)]:
            field = name if name in self.fields else None
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(field, str(message))
