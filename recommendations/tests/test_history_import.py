"""An imported history counts at once: the member's next for-you is built on it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import authenticated_client
from imports.tests.history_files import film, letterboxd_zip
from recommendations.tests.serving_helpers import build, ids, make_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FOR_YOU = "/api/recommendations/for-you/"


def test_the_next_for_you_after_an_import_follows_the_imported_taste(django_capture_on_commit_callbacks):
    world = make_world()
    build()
    newcomer = UserFactory()
    client = authenticated_client(newcomer)
    before = client.get(FOR_YOU).json()
    loved = world.romance[:4]
    export = letterboxd_zip({"ratings.csv": [["2024-01-01", *film(movie), "5"] for movie in loved]})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/imports/", {"file": SimpleUploadedFile("export.zip", export)}, format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["counts"]["imported"] == len(loved)

    after = client.get(FOR_YOU).json()
    assert ids(client.get(FOR_YOU)) != [row["id"] for row in before]
    romance = {movie.pk for movie in world.romance} - {movie.pk for movie in loved}
    personal = [row for row in after if row["score"] is not None]
    assert {row["id"] for row in personal[: len(romance)]} == romance
    assert any(movie.title in row["reason"] for row in personal for movie in loved)
