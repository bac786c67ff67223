"""The rating scale: half stars from 0.5 to 5. Reviews, filters, averages and distributions all use it from here."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MIN_RATING = 0.5
MAX_RATING = 5.0
RATING_STEP = 0.5
# 0.5, 1.0, ... 5.0: each is a small multiple of a power of two, so a float holds it exactly.
RATINGS: tuple[float, ...] = tuple(
    MIN_RATING + RATING_STEP * step for step in range(round((MAX_RATING - MIN_RATING) / RATING_STEP) + 1)
)
RATING_RULE = f"Ratings go from {MIN_RATING:g} to {MAX_RATING:g} in steps of {RATING_STEP:g}."

_RATING_SET = frozenset(RATINGS)


def is_rating(value: object) -> bool:
    """A number on the scale: 4, 4.0 and Decimal("4.5") are; True (a bool), 4.25 and NaN are not."""
    if isinstance(value, Decimal):
        return value.is_finite() and value in _RATING_SET
    return isinstance(value, int | float) and not isinstance(value, bool) and value in _RATING_SET


def rating_key(value: float) -> str:
    """A rating's key in a distribution: "0.5", "1", "1.5" ... "5" (whole stars keep their keys "1" to "5")."""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


RATING_KEYS: tuple[str, ...] = tuple(rating_key(rating) for rating in RATINGS)


def no_ratings() -> dict[str, int]:
    """A rating distribution with no reviews: every rating, lowest first, counted zero."""
    return dict.fromkeys(RATING_KEYS, 0)


def rating_distribution(counts: dict[str, int]) -> dict[str, int]:
    """``counts`` with every key of the scale, lowest first (PostgreSQL's jsonb does not keep the key order)."""
    return {key: counts.get(key, 0) for key in RATING_KEYS}


def rating_value(value: float) -> int | float:
    """As the API writes a rating: whole stars as integers (4), halves as floats (4.5)."""
    number = float(value)
    return int(number) if number.is_integer() else number


def validate_rating(value: Any) -> None:
    """Django validator (model field, admin, query filters)."""
    if not is_rating(value):
        raise ValidationError(RATING_RULE, code="invalid_rating")


RATING_SCHEMA = {"type": "number", "minimum": MIN_RATING, "maximum": MAX_RATING, "multipleOf": RATING_STEP}


@extend_schema_field(RATING_SCHEMA)
class RatingField(serializers.Field):
    """A rating in JSON: a number on the scale (4, 4.0, 4.5), or its text in form posts ("4.5")."""

    default_error_messages = {"invalid": RATING_RULE, "null": RATING_RULE}

    def to_internal_value(self, data: Any) -> float:
        number = data
        if isinstance(data, str):
            try:
                number = float(data)
            except ValueError:
                self.fail("invalid")
        if not is_rating(number):
            self.fail("invalid")
        return float(number)

    def to_representation(self, value: float) -> int | float:
        return rating_value(value)


@extend_schema_field(
    {
        "type": "object",
        "properties": {key: {"type": "integer"} for key in RATING_KEYS},
        "required": list(RATING_KEYS),
        "additionalProperties": False,
    }
)
class RatingDistributionField(serializers.Field):
    """Reviews per rating, keyed "0.5", "1", "1.5" ... "5", lowest first."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: dict[str, int]) -> dict[str, int]:
        return rating_distribution(value)
