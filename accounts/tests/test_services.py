"""accounts.services called directly."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.tests.utils import STRONG_PASSWORD, png_upload
from movies.models import Movie
from reviews.models import Review
from tests.factories import DEFAULT_PASSWORD, MovieFactory, ReviewFactory, UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


def revoked_jtis(user) -> set[str]:
    return set(BlacklistedToken.objects.filter(token__user=user).values_list("token__jti", flat=True))


# --- tokens_for_user ----------------------------------------------------------------------------


def test_tokens_for_user_returns_matching_access_and_refresh(user):
    tokens = services.tokens_for_user(user)

    assert set(tokens) == {"access", "refresh"}
    assert AccessToken(tokens["access"])["user_id"] == str(user.pk)
    assert RefreshToken(tokens["refresh"])["user_id"] == str(user.pk)
    assert OutstandingToken.objects.filter(user=user).count() == 1


# --- user_register ------------------------------------------------------------------------------


def test_user_register_creates_user_with_hashed_password():
    user = services.user_register(username="direct", email="direct@example.com", password=STRONG_PASSWORD)

    user.refresh_from_db()
    assert (user.username, user.email) == ("direct", "direct@example.com")
    assert user.check_password(STRONG_PASSWORD)
    assert user.password.startswith("md5$")  # the test hasher; never the raw password


def test_user_register_rejects_weak_password_under_password():
    with pytest.raises(ValidationError) as raised:
        services.user_register(username="weakling", email="weak@example.com", password="123")

    assert set(raised.value.detail) == {"password"}
    assert len(raised.value.detail["password"]) >= 2
    assert not User.objects.exists()


def test_user_register_reports_duplicate_username_from_the_database(user):
    """The serializer's checks can be raced; the unique constraint is the last word."""
    with pytest.raises(ValidationError) as raised:
        services.user_register(username=user.username.upper(), email="fresh@example.com", password=STRONG_PASSWORD)

    assert set(raised.value.detail) == {"username"}
    assert User.objects.count() == 1


def test_user_register_reports_duplicate_email_from_the_database(user):
    with pytest.raises(ValidationError) as raised:
        services.user_register(username="fresh", email=user.email.upper(), password=STRONG_PASSWORD)

    assert set(raised.value.detail) == {"email"}
    assert User.objects.count() == 1


def test_user_register_falls_back_to_a_combined_message(user, monkeypatch):
    """If the clashing row is gone again by the time we look, the error still names a field."""
    original = services._taken_fields
    monkeypatch.setattr(services, "_taken_fields", lambda **kwargs: original(username="", email=""))

    with pytest.raises(ValidationError) as raised:
        services.user_register(username=user.username, email="fresh@example.com", password=STRONG_PASSWORD)

    assert raised.value.detail == {"username": ["A user with that username or email already exists."]}


def test_user_register_then_usable_after_database_error(user):
    with pytest.raises(ValidationError):
        services.user_register(username=user.username, email="x@example.com", password=STRONG_PASSWORD)

    # The failed insert was rolled back to its savepoint; the connection is still usable.
    created = services.user_register(username="second", email="second@example.com", password=STRONG_PASSWORD)
    assert User.objects.filter(pk=created.pk).exists()


# --- user_refresh_tokens_revoke -----------------------------------------------------------------


def test_refresh_tokens_revoke_blacklists_every_outstanding_token_of_the_user(user, other_user):
    mine = {RefreshToken.for_user(user)["jti"] for _ in range(3)}
    theirs = RefreshToken.for_user(other_user)["jti"]

    services.user_refresh_tokens_revoke(user=user)

    assert revoked_jtis(user) == mine
    assert not BlacklistedToken.objects.filter(token__jti=theirs).exists()


def test_refresh_tokens_revoke_is_idempotent_and_keeps_existing_entries(user):
    first = RefreshToken.for_user(user)
    first.blacklist()
    second = RefreshToken.for_user(user)

    services.user_refresh_tokens_revoke(user=user)
    services.user_refresh_tokens_revoke(user=user)

    assert revoked_jtis(user) == {first["jti"], second["jti"]}
    assert BlacklistedToken.objects.count() == 2


def test_refresh_tokens_revoke_with_no_tokens_does_nothing(user):
    services.user_refresh_tokens_revoke(user=user)

    assert not BlacklistedToken.objects.exists()


# --- user_update --------------------------------------------------------------------------------


def test_user_update_writes_only_the_given_fields(user):
    stale = User.objects.get(pk=user.pk)
    user.set_password(STRONG_PASSWORD)
    user.save()  # e.g. a password change that committed after `stale` was loaded

    services.user_update(user=stale, bio="new bio")

    fresh = User.objects.get(pk=user.pk)
    assert fresh.bio == "new bio"
    assert fresh.check_password(STRONG_PASSWORD)


def test_user_update_without_fields_does_not_touch_the_database(user, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.user_update(user=user) is user


def test_user_update_deletes_replaced_avatar_on_commit(
    user_with_avatar, media_root, django_capture_on_commit_callbacks
):
    old = media_root / user_with_avatar.avatar.name

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_update(user=user_with_avatar, avatar=png_upload("next.png"))

    assert old.exists()  # nothing is removed before the transaction commits
    assert len(callbacks) == 2  # the file's removal, and a new cache generation
    for callback in callbacks:
        callback()
    assert not old.exists()
    assert (media_root / user_with_avatar.avatar.name).exists()


# --- user_password_change -----------------------------------------------------------------------


def test_user_password_change_sets_password_and_revokes_tokens(user):
    tokens = {RefreshToken.for_user(user)["jti"] for _ in range(2)}

    services.user_password_change(user=user, old_password=DEFAULT_PASSWORD, new_password=STRONG_PASSWORD)

    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert revoked_jtis(user) == tokens


def test_user_password_change_with_wrong_old_password_changes_nothing(user):
    RefreshToken.for_user(user)

    with pytest.raises(ValidationError) as raised:
        services.user_password_change(user=user, old_password="nope", new_password=STRONG_PASSWORD)

    assert set(raised.value.detail) == {"old_password"}
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not BlacklistedToken.objects.exists()


def test_user_password_change_with_weak_new_password_changes_nothing(user):
    RefreshToken.for_user(user)

    with pytest.raises(ValidationError) as raised:
        services.user_password_change(user=user, old_password=DEFAULT_PASSWORD, new_password="abc")

    assert set(raised.value.detail) == {"new_password"}
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not BlacklistedToken.objects.exists()


# --- user_delete --------------------------------------------------------------------------------


def test_user_delete_removes_user_reviews_and_fixes_aggregates(user, other_user):
    movie, lonely = MovieFactory(), MovieFactory()
    ReviewFactory(user=user, movie=movie, rating=1)
    ReviewFactory(user=other_user, movie=movie, rating=4)
    ReviewFactory(user=UserFactory(), movie=movie, rating=5)
    ReviewFactory(user=user, movie=lonely, rating=3)
    token_jti = RefreshToken.for_user(user)["jti"]

    services.user_delete(user=user, password=DEFAULT_PASSWORD)

    assert not User.objects.filter(username=user.username).exists()
    assert not Review.objects.filter(rating__in=[1, 3]).exists()
    movie = Movie.objects.get(pk=movie.pk)
    assert (movie.avg_rating, movie.review_count) == (4.5, 2)
    lonely = Movie.objects.get(pk=lonely.pk)
    assert (lonely.avg_rating, lonely.review_count) == (0.0, 0)
    assert BlacklistedToken.objects.filter(token__jti=token_jti).exists()


def test_user_delete_with_wrong_password_changes_nothing(user, movie):
    ReviewFactory(user=user, movie=movie, rating=2)
    RefreshToken.for_user(user)

    with pytest.raises(ValidationError) as raised:
        services.user_delete(user=user, password="nope")

    assert set(raised.value.detail) == {"password"}
    assert User.objects.filter(pk=user.pk).exists()
    assert Review.objects.filter(user=user).count() == 1
    movie.refresh_from_db()
    assert (movie.avg_rating, movie.review_count) == (2.0, 1)
    assert not BlacklistedToken.objects.exists()


def test_user_delete_for_user_without_reviews_or_avatar(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.user_delete(user=user, password=DEFAULT_PASSWORD)

    assert not User.objects.filter(username=user.username).exists()
    assert all(callback.__module__ != services.__name__ for callback in callbacks)
