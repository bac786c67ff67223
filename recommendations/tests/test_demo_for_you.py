"""The demo (seed_demo) and a build give each demo person for-you recommendations that follow their taste."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from conftest import authenticated_client
from movies.models import Movie

pytestmark = pytest.mark.django_db


def test_the_sci_fi_devotee_is_recommended_science_fiction_with_reasons():
    call_command("seed_demo", stdout=StringIO())
    call_command("build_recommendations", stdout=StringIO())
    ada = get_user_model().objects.get(username="ada")

    rows = authenticated_client(ada).get("/api/recommendations/for-you/", {"limit": 10}).json()

    assert len(rows) == 10
    assert all(row["reason"].startswith("because you") for row in rows)
    sci_fi = [row for row in rows if "Sci-Fi" in {genre["name"] for genre in row["genres"]}]
    unseen = Movie.objects.exclude(reviews__user=ada).exclude(diary_entries__user=ada)
    share_left = unseen.filter(genres__name="Sci-Fi").count() / unseen.count()
    assert len(sci_fi) >= 4 and len(sci_fi) / len(rows) >= 2 * share_left
