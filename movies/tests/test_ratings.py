"""The rating scale (movies.ratings): its values, keys, validation and the API field."""

import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from movies.ratings import (
    MAX_RATING,
    MIN_RATING,
    RATING_KEYS,
    RATING_RULE,
    RATINGS,
    RatingDistributionField,
    RatingField,
    is_rating,
    no_ratings,
    rating_distribution,
    rating_key,
    rating_value,
    validate_rating,
)

HALF_STAR_KEYS = ["0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]
NOT_RATINGS = [0, 0.3, 0.49, 4.25, 4.000001, 5.5, 6, -0.5, 10**30, math.nan, math.inf, True, False, None, [4]]


def test_the_scale_is_ten_half_stars_from_half_a_star_to_five():
    assert RATINGS == (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
    assert (RATINGS[0], RATINGS[-1]) == (MIN_RATING, MAX_RATING)
    assert all(float.fromhex(rating.hex()) == rating and (rating * 2).is_integer() for rating in RATINGS)


def test_whole_stars_keep_their_keys_and_halves_get_theirs():
    assert list(RATING_KEYS) == HALF_STAR_KEYS
    assert [rating_key(value) for value in (4, 4.0, Decimal("4.0"), 4.5, 0.5)] == ["4", "4", "4", "4.5", "0.5"]


def test_an_empty_distribution_counts_every_rating_zero_lowest_first():
    assert list(no_ratings().items()) == [(key, 0) for key in HALF_STAR_KEYS]
    assert no_ratings() is not no_ratings()


def test_a_distribution_is_written_with_every_key_in_order_whatever_order_it_was_stored_in():
    stored = {"5": 2, "4": 0, "4.5": 1, "1": 0, "0.5": 3, "retired": 9}
    assert list(rating_distribution(stored).items()) == [
        ("0.5", 3),
        ("1", 0),
        ("1.5", 0),
        ("2", 0),
        ("2.5", 0),
        ("3", 0),
        ("3.5", 0),
        ("4", 0),
        ("4.5", 1),
        ("5", 2),
    ]


@pytest.mark.parametrize("value", [*RATINGS, 1, 4, Decimal("4.5"), Decimal("4")])
def test_values_on_the_scale_are_ratings(value):
    assert is_rating(value)
    validate_rating(value)


@pytest.mark.parametrize(
    "value", [*NOT_RATINGS, "4", Decimal("4.25"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")]
)
def test_values_off_the_scale_are_not_ratings(value):
    assert not is_rating(value)
    with pytest.raises(DjangoValidationError) as raised:
        validate_rating(value)
    assert raised.value.messages == [RATING_RULE]


@pytest.mark.parametrize(("value", "written"), [(4.0, 4), (4, 4), (5.0, 5), (4.5, 4.5), (0.5, 0.5)])
def test_whole_stars_are_written_as_integers_and_halves_as_floats(value, written):
    assert rating_value(value) == written
    assert type(rating_value(value)) is type(written)
    assert RatingField().to_representation(value) == written


@pytest.mark.parametrize(("data", "value"), [(4, 4.0), (4.0, 4.0), ("4", 4.0), ("4.5", 4.5), (4.5, 4.5), (0.5, 0.5)])
def test_the_field_reads_numbers_and_numeric_text_on_the_scale(data, value):
    read = RatingField().run_validation(data)
    assert read == value
    assert type(read) is float


@pytest.mark.parametrize("data", [*NOT_RATINGS, "", "abc", "4.25", "nan", "1_0"])
def test_the_field_rejects_everything_else_with_the_rule(data):
    with pytest.raises(serializers.ValidationError) as raised:
        RatingField().run_validation(data)
    assert raised.value.detail == [RATING_RULE]


def test_the_distribution_field_is_read_only_and_writes_every_key():
    field = RatingDistributionField()
    assert field.read_only
    assert field.to_representation({"3.5": 2}) == {**no_ratings(), "3.5": 2}
