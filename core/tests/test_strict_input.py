"""Request serializers take what their schema documents, as it documents it: no unknown fields, JSON values of the
documented JSON type, form values that read as the field's type."""

import pytest
from django.http import QueryDict
from rest_framework import serializers

from core.serializers import RejectUnknownFieldsMixin
from reviews.models import Review


class Sample(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    public = serializers.BooleanField(required=False)
    count = serializers.IntegerField(required=False)
    score = serializers.FloatField(required=False, allow_null=True)


def errors_for(data) -> dict:
    serializer = Sample(data=data)
    assert not serializer.is_valid()
    return serializer.errors


def read(data) -> dict:
    serializer = Sample(data=data)
    assert serializer.is_valid(), serializer.errors
    return dict(serializer.validated_data)


def form(query: str) -> QueryDict:
    return QueryDict(query)


def test_json_values_of_their_documented_type_are_read():
    data = {"name": "Noir", "note": "", "public": False, "count": 3, "score": 4}
    assert read(data) == {"name": "Noir", "note": "", "public": False, "count": 3, "score": 4.0}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": 0}, "Not a valid string."),
        ({"public": 0}, "Must be a valid boolean."),
        ({"public": "true"}, "Must be a valid boolean."),
        ({"count": "5"}, "A valid integer is required."),
        ({"count": True}, "A valid integer is required."),
        ({"score": "4.5"}, "A valid number is required."),
    ],
)
def test_a_json_value_of_another_type_is_refused_not_coerced(data, message):
    (name,) = data
    assert errors_for(data) == {name: [message]}


def test_json_null_is_left_to_the_field():
    assert read({"score": None}) == {"score": None}
    assert errors_for({"count": None}) == {"count": ["This field may not be null."]}


def test_unknown_fields_are_still_refused_first():
    assert errors_for({"name": 0, "colour": "red"}) == {"colour": ["Unknown field."]}


def test_form_values_that_read_as_their_type_are_read():
    assert read(form("name=Noir&note=&public=true&count=5&score=")) == {
        "name": "Noir",
        "note": "",
        "public": True,
        "count": 5,
        "score": None,
    }


@pytest.mark.parametrize("value", ["on", "1", "0", "True", "yes", ""])
def test_a_form_boolean_takes_true_or_false_only(value):
    assert errors_for(form(f"public={value}")) == {"public": ["Must be a valid boolean."]}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [("name=", "name", "This field may not be blank."), ("count=", "count", "A valid integer is required.")],
)
def test_an_empty_form_value_is_refused_where_the_field_takes_none(query, field, message):
    assert errors_for(form(query)) == {field: [message]}


def test_the_api_refuses_a_number_for_text_and_writes_nothing(user_client, movie):
    response = user_client.post("/api/reviews/", {"movie": movie.pk, "rating": 4, "body": 5}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"body": ["Not a valid string."]}
    assert not Review.objects.exists()
