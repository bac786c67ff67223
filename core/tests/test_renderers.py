import datetime
import decimal
import json
import uuid

import numpy as np
import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail

from core.renderers import JSONRenderer

AWARE = datetime.datetime(2026, 11, 25, 4, 20, 1, 123456, tzinfo=datetime.UTC)
CASES = [
    {"id": 1, "title": "Amélie", "score": 0.1 + 0.2, "none": None, "flag": True},
    [AWARE, AWARE.date(), datetime.time(9, 30), datetime.timedelta(minutes=90)],
    {"price": decimal.Decimal("12.50"), "ref": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"lazy": gettext_lazy("Not found."), "detail": ErrorDetail("Bad value.", code="invalid")},
    {"array": np.arange(3), "number": np.float64(2.5), "count": np.int64(7)},
    {1: "int key", "nested": [{"a": (1, 2)}, []]},
    {"separators": "line\u2028paragraph\u2029end"},
]


@pytest.mark.parametrize("data", CASES)
def test_output_is_drfs_byte_for_byte(data):
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_no_data_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_indent_asked_for_in_the_accept_header_is_honoured():
    body = JSONRenderer().render({"a": [1]}, "application/json; indent=2", {})
    assert body == b'{\n  "a": [\n    1\n  ]\n}'


def test_values_orjson_refuses_fall_back_to_drfs_encoder():
    huge = 2**70
    assert json.loads(JSONRenderer().render({"n": huge})) == {"n": huge}


def test_the_api_answers_through_it(api_client, db):
    response = api_client.get("/api/movies/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
