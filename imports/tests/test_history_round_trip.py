"""Export, import into a new account, export again: the same history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import authenticated_client
from tests.factories import UserFactory

from .test_export import download, make_world

pytestmark = pytest.mark.django_db

# Set by the import itself, not carried over: when a diary entry or list was created here, when a review was
# last edited. Comments are on other members' things and the profile is the account's own: neither is imported.
NOT_CARRIED = {"diary": ("created_at",), "lists": ("created_at",), "reviews": ("updated_at",)}


def history(document: dict) -> dict:
    sections = ("reviews", "diary", "watched", "watchlist", "likes", "not_interested", "lists")
    return {
        section: [
            {k: v for k, v in item.items() if k not in NOT_CARRIED.get(section, ())} for item in document[section]
        ]
        for section in sections
    }


def test_an_export_imported_into_a_new_account_exports_the_same_history():
    world = make_world()
    _, csv_rows, exported = download(authenticated_client(world.owner))
    assert all(exported[section] for section in ("reviews", "diary", "watched", "watchlist", "likes", "lists"))
    newcomer = UserFactory()
    client = authenticated_client(newcomer)
    zip_body = client.get("/api/users/me/export/").content  # an empty export first: it imports nothing
    assert (
        client.post("/api/imports/", {"file": SimpleUploadedFile("e.zip", zip_body)}, format="multipart").json()[
            "counts"
        ]["rows"]
        == 0
    )

    original = authenticated_client(world.owner).get("/api/users/me/export/").content
    response = client.post("/api/imports/", {"file": SimpleUploadedFile("export.zip", original)}, format="multipart")

    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["source"], job["status"], job["counts"]["unmatched"], job["counts"]["skipped"]) == (
        "flixreview", "done", 0, 0,
    )  # fmt: skip
    _, csv_again, again = download(client)
    assert history(again) == history(exported)
    assert csv_again == csv_rows
