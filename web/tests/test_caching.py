"""Anonymous pages come from the shared cache until something changes; members' pages never do."""

import pytest
from django.test import Client
from django.urls import reverse

from activity.services import diary_entry_create
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.RESPONSE_CACHE_SECONDS = 60


def test_a_visitors_second_view_of_the_home_page_costs_no_query(client, page_cache, django_assert_num_queries):
    ReviewFactory(body="First!")
    first = client.get("/").content

    with django_assert_num_queries(0):
        second = client.get("/")

    assert second.content == first
    assert "Cookie" in second["Vary"]


def test_a_write_shows_in_the_next_page(client, page_cache, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        ReviewFactory(body="Fresh words", movie=MovieFactory(title="Brand New Film"))

    assert "Fresh words" in client.get("/").content.decode()


def test_members_pages_are_never_cached(client, page_cache):
    member = UserFactory(username="memberone")
    client.force_login(member)

    assert "Welcome back, memberone" in client.get("/").content.decode()
    client.logout()
    assert "Welcome back" not in client.get("/").content.decode()


def test_a_diary_made_private_leaves_the_visitors_cached_profile_at_once(
    client, page_cache, django_capture_on_commit_callbacks
):
    member = UserFactory(username="keeper")
    diary_entry_create(user=member, movie=MovieFactory(title="Secret Screening"))
    profile = reverse("web:profile", args=["keeper"])
    assert "Secret Screening" in client.get(profile).content.decode()

    owner = Client()
    owner.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("web:settings-privacy"), {"watchlist_public": "on"})

    html = client.get(profile).content.decode()
    assert "Secret Screening" not in html and "keeper keeps their diary private." in html
