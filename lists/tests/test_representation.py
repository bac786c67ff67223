"""The lists' fast output is exactly what DRF renders for the same serializers."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.tests.test_representation import drf_output, fast_output
from lists.selectors import items_of, member_lists, with_item_genres
from lists.serializers import FilmListSerializer, ListItemSerializer
from lists.services import item_update
from lists.tests.utils import add_like, make_list
from tests.factories import MovieFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("logged_in", [True, False])
def test_lists_render_as_drf_renders_them(logged_in):
    owner, viewer = UserFactory(), UserFactory()
    liked = make_list(owner, [MovieFactory()], name="Liked", description="With <b>markup</b>", ranked=True)
    make_list(owner, name="Plain")
    add_like(viewer, liked)

    rows = list(member_lists(viewer if logged_in else AnonymousUser()))

    assert [row.liked for row in rows] == [False, logged_in]
    for row in rows:
        assert fast_output(FilmListSerializer, row) == drf_output(FilmListSerializer, row)


def test_items_render_as_drf_renders_them():
    film_list = make_list(UserFactory(), [MovieFactory(genres=["Drama", "Crime"]), MovieFactory(release_date=None)])
    item_update(item=film_list.items.first(), note="A note")

    items = with_item_genres(list(items_of(film_list)))

    assert [item.note for item in items] == ["A note", ""]
    for item in items:
        assert fast_output(ListItemSerializer, item) == drf_output(ListItemSerializer, item)
