"""The lists admin: lists with their items inline and read-only counters; likes read-only."""

import pytest
from django.test import Client

from lists.models import FilmList, ListLike
from lists.tests.utils import add_like, make_list
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_a_list_page_shows_its_items_in_order_and_its_counters_read_only(admin_browser, user, other_user):
    films = MovieFactory.create_batch(2)
    film_list = make_list(user, films, name="Admin view")
    add_like(other_user, film_list)

    changelist = admin_browser.get("/admin/lists/filmlist/")
    page = admin_browser.get(f"/admin/lists/filmlist/{film_list.pk}/change/")

    assert changelist.status_code == 200 and b"Admin view" in changelist.content
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(films[0].title) < html.index(films[1].title)
    assert 'name="item_count"' not in html and 'name="like_count"' not in html


def test_the_admin_cannot_change_counters_by_posting_them(admin_browser, user):
    film_list = make_list(user, MovieFactory.create_batch(2), name="Before")
    data = {
        "owner": user.pk,
        "name": "After",
        "description": "",
        "public": "on",
        "item_count": 99,
        "like_count": 99,
        "items-TOTAL_FORMS": 0,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }

    response = admin_browser.post(f"/admin/lists/filmlist/{film_list.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    film_list.refresh_from_db()
    assert (film_list.name, film_list.item_count, film_list.like_count) == ("After", 2, 0)


def test_the_admin_deletes_a_list(admin_browser, user):
    film_list = make_list(user, MovieFactory.create_batch(2))

    response = admin_browser.post(f"/admin/lists/filmlist/{film_list.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not FilmList.objects.exists()


def test_likes_are_listed_read_only(admin_browser, user, other_user):
    add_like(other_user, make_list(user))

    assert admin_browser.get("/admin/lists/listlike/").status_code == 200
    like = ListLike.objects.get()
    assert admin_browser.post(f"/admin/lists/listlike/{like.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ListLike.objects.count() == 1
