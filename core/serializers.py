from typing import Any

from rest_framework import serializers


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
    """Reject request fields the serializer does not declare, instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)
