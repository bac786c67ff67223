import pytest

from accounts.selectors import user_find_for_login, users_with_review_stats
from tests.factories import MovieFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["finder", "FINDER", "Finder"])
def test_user_find_for_login_by_username_ignores_case(identifier):
    account = UserFactory(username="finder", email="finder@example.com")

    assert user_find_for_login(identifier) == account


@pytest.mark.parametrize("identifier", ["finder@example.com", "FINDER@EXAMPLE.COM"])
def test_user_find_for_login_by_email_ignores_case(identifier):
    account = UserFactory(username="finder", email="Finder@Example.com")

    assert user_find_for_login(identifier) == account


def test_user_find_for_login_falls_back_to_username_containing_at_sign():
    account = UserFactory(username="me@home", email="elsewhere@example.com")

    assert user_find_for_login("ME@HOME") == account


def test_user_find_for_login_prefers_email_over_lookalike_username():
    owner = UserFactory(username="owner", email="mail@example.com")
    UserFactory(username="mail@example.com", email="other@example.com")

    assert user_find_for_login("mail@example.com") == owner


def test_user_find_for_login_skips_inactive_users():
    UserFactory(username="sleeper", email="sleeper@example.com", is_active=False)

    assert user_find_for_login("sleeper") is None
    assert user_find_for_login("sleeper@example.com") is None


def test_user_find_for_login_returns_none_for_unknown_identifier(user):
    assert user_find_for_login("ghost") is None
    assert user_find_for_login("ghost@example.com") is None


def test_user_find_for_login_does_not_match_blank_emails():
    UserFactory(username="noemail", email="")

    assert user_find_for_login("@") is None


def test_users_with_review_stats_annotates_counts_and_averages(user, other_user):
    ReviewFactory(user=user, movie=MovieFactory(), rating=2)
    ReviewFactory(user=user, movie=MovieFactory(), rating=5)
    UserFactory(is_active=False)

    stats = {u.pk: (u.review_count, u.average_rating_given) for u in users_with_review_stats()}

    assert stats == {user.pk: (2, 3.5), other_user.pk: (0, None)}
