"""The explicit statement behind JWT authentication returns what the ORM's query returns."""

import pytest
from django.forms.models import model_to_dict

from accounts.models import User
from accounts.selectors import user_by_token_claim
from tests.factories import GenreFactory, UserFactory

pytestmark = pytest.mark.django_db


def concrete_values(user: User) -> list:
    return [getattr(user, field.attname) for field in User._meta.concrete_fields]


def test_the_token_user_lookup_returns_what_the_orm_returns():
    people = [UserFactory(bio="Ünïcode", first_name="A"), UserFactory(is_active=False, is_staff=True)]
    people[0].preferred_genres.set([GenreFactory()])
    for person in people:
        found = user_by_token_claim(person.pk)
        expected = User.objects.get(pk=person.pk)
        assert type(found) is User
        assert concrete_values(found) == concrete_values(expected)
        assert model_to_dict(found) == model_to_dict(expected)


def test_the_token_user_lookup_finds_nobody_for_an_unknown_id():
    assert user_by_token_claim(UserFactory().pk + 1) is None
