"""A web worker loads the recommender model before its first request (gunicorn's post_worker_init), so no request
pays for reading the file; without a database at that moment, the worker starts anyway."""

import runpy
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

from recommendations import serving
from recommendations.serving import forget_served_model, preload_served_model, served_model

from .serving_helpers import build, make_world

pytestmark = pytest.mark.django_db
GUNICORN_CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def built_then_forgotten():
    make_world()
    version = build()
    forget_served_model()
    yield version
    forget_served_model()


@pytest.mark.django_db(transaction=True)  # the hook closes the worker's connection once the model is in
def test_the_gunicorn_worker_hook_loads_the_active_model(built_then_forgotten, django_assert_num_queries):
    hooks = runpy.run_path(str(GUNICORN_CONFIG))

    hooks["post_worker_init"](worker=None)

    with django_assert_num_queries(0):  # nothing left to read when the first request asks
        assert served_model().version_id == built_then_forgotten.pk


def test_without_a_database_the_preload_is_skipped_and_the_first_request_loads_it(built_then_forgotten, caplog):
    with mock.patch.object(serving, "active_version_id", side_effect=OperationalError("connection refused")):
        preload_served_model()

    assert "recommender model not preloaded" in caplog.text
    assert served_model().version_id == built_then_forgotten.pk
