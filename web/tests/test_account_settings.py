"""The settings pages: who may see them, profile and avatar, preferred genres, privacy, password, deleting the
account; each form without JavaScript (post, redirect, message) and with htmx (the form's partial in place)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.utils import image_bytes, png_upload, upload
from core.throttling import AuthRateThrottle
from imports.models import ImportJob
from reviews.models import Review
from tests.factories import DEFAULT_PASSWORD, GenreFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_PAGES = [
    "web:settings",
    "web:settings-profile",
    "web:settings-genres",
    "web:settings-privacy",
    "web:password-change",
    "web:settings-delete",
    "web:import",
    "web:export",
]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner(db):
    return UserFactory(first_name="Orla", last_name="Owner", bio="owner-bio-marker", time_zone="Europe/Paris")


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- who sees the settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SETTINGS_PAGES)
def test_a_visitor_is_sent_to_log_in_and_back(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next={reverse(name)}"


@pytest.mark.parametrize("name", SETTINGS_PAGES)
@pytest.mark.parametrize("who", ["owner", "another member", "admin"])
def test_each_member_sees_only_their_own_settings(client, owner, name, who):
    ImportJob.objects.create(user=owner, source="letterboxd", file_name="owner-file.zip", status="done", rows=1)
    viewer = {
        "owner": owner,
        "another member": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }[who]
    client.force_login(viewer)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Settings"' in html  # the settings menu
    for marker in ("owner-bio-marker", "Orla Owner", "owner-file.zip"):
        if viewer != owner:
            assert marker not in html
    if viewer == owner and name in ("web:settings-profile",):
        assert "owner-bio-marker" in html
    if viewer == owner and name in ("web:settings", "web:import"):
        assert "owner-file.zip" in html


def test_the_overview_links_every_topic_and_marks_the_current_page(member_client):
    html = member_client.get(reverse("web:settings")).content.decode()

    for name in SETTINGS_PAGES:
        assert f'href="{reverse(name)}"' in html
    assert f'<a href="{reverse("web:settings")}" aria-current="page">Overview</a>' in html
    assert "Orla Owner" in html and "Europe/Paris" in html


# --- profile and avatar ---------------------------------------------------------------------------------------


def test_the_profile_form_saves_names_bio_time_zone_and_avatar(member_client, owner, media_root):
    response = member_client.post(
        reverse("web:settings-profile"),
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "bio": "Engines & films",
            "time_zone": "Asia/Tokyo",
            "avatar": png_upload("face.png"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:settings-profile")
    assert messages_of(response) == ["Your profile is saved."]
    owner.refresh_from_db()
    assert (owner.first_name, owner.last_name, owner.bio, owner.time_zone) == (
        "Ada",
        "Lovelace",
        "Engines & films",
        "Asia/Tokyo",
    )
    assert owner.avatar.name.startswith("avatars/face")
    assert (media_root / owner.avatar.name).exists()
    page = member_client.get(reverse("web:settings-profile")).content.decode()
    assert f'src="{owner.avatar.url}" alt="Your current avatar"' in page
    assert "Remove avatar" in page


def test_an_empty_field_clears_it_and_the_avatar_stays_when_no_file_is_sent(member_client, owner, media_root):
    owner.avatar.save("kept.png", png_upload(), save=True)

    response = member_client.post(
        reverse("web:settings-profile"), {"first_name": "", "last_name": "", "bio": "", "time_zone": "UTC"}
    )

    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.first_name, owner.bio, owner.time_zone) == ("", "", "UTC")
    assert owner.avatar.name.startswith("avatars/kept")


@pytest.mark.parametrize(
    ("avatar", "error"),
    [
        (upload("a.png", b"this is not an image", "image/png"), "Upload a valid image"),
        (upload("a.bmp", image_bytes("BMP"), "image/bmp"), "Avatar must be one of GIF, JPEG, PNG, WEBP, got BMP."),
    ],
)
def test_an_avatar_the_api_refuses_is_refused_with_its_message(member_client, owner, media_root, avatar, error):
    response = member_client.post(
        reverse("web:settings-profile"), {"bio": "changed", "time_zone": "UTC", "avatar": avatar}
    )

    assert response.status_code == 400
    assert error in str(response.context["form"].errors["avatar"])
    assert 'aria-invalid="true"' in response.content.decode()
    owner.refresh_from_db()
    assert (owner.bio, owner.avatar.name) == ("owner-bio-marker", "")


def test_an_avatar_over_the_size_limit_is_refused(member_client, owner, media_root, settings):
    settings.AVATAR_MAX_BYTES = 200
    big = upload("big.png", image_bytes("PNG", size=(32, 32), noise=True), "image/png")

    response = member_client.post(reverse("web:settings-profile"), {"time_zone": "UTC", "avatar": big})

    assert response.status_code == 400
    assert response.context["form"].errors["avatar"] == ["Avatar must be at most 200 bytes."]


def test_an_unknown_time_zone_is_refused(member_client, owner):
    response = member_client.post(reverse("web:settings-profile"), {"time_zone": "Mars/Olympus_Mons"})

    assert response.status_code == 400
    assert response.context["form"].errors["time_zone"]
    owner.refresh_from_db()
    assert owner.time_zone == "Europe/Paris"


def test_with_htmx_the_profile_form_is_saved_in_place(member_client, owner, media_root):
    response = member_client.post(
        reverse("web:settings-profile"), {"bio": "new", "time_zone": "UTC", "avatar": png_upload()}, **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="settings-status" hx-swap-oob="innerHTML"' in html and "Your profile is saved." in html
    assert 'id="avatar-current" hx-swap-oob="innerHTML"' in html  # the new avatar, shown at once
    assert "data-autofocus>Save profile" in html
    owner.refresh_from_db()
    assert owner.bio == "new" and owner.avatar


def test_with_htmx_a_refused_profile_comes_back_with_its_errors(member_client, owner):
    response = member_client.post(reverse("web:settings-profile"), {"time_zone": "Nowhere/Land"}, **HTMX)

    assert response.status_code == 200  # htmx swaps successful answers only
    html = response.content.decode()
    assert 'class="error-summary" tabindex="-1" data-autofocus' in html
    assert 'href="#id_time_zone"' in html
    assert 'id="avatar-current"' not in html
    assert '<div id="settings-status" hx-swap-oob="innerHTML"></div>' in html  # an earlier "saved" goes


def test_user_text_is_escaped_on_the_settings_pages(member_client, owner):
    owner.first_name = "<script>alert(1)</script>"
    owner.bio = "<b>bold</b>"
    owner.save()

    overview = member_client.get(reverse("web:settings")).content.decode()
    profile = member_client.get(reverse("web:settings-profile")).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview and "<script>alert" not in overview
    assert "&lt;b&gt;bold&lt;/b&gt;" in profile and "<b>bold</b>" not in profile


def test_removing_the_avatar_deletes_its_file(member_client, owner, media_root, django_capture_on_commit_callbacks):
    owner.avatar.save("gone.png", png_upload(), save=True)
    path = media_root / owner.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("web:settings-avatar-remove"))

    assert response.status_code == 302
    assert response["Location"] == reverse("web:settings-profile")
    assert messages_of(response) == ["Your avatar is removed."]
    owner.refresh_from_db()
    assert owner.avatar.name == ""
    assert not path.exists()
    assert "You have no avatar" in member_client.get(reverse("web:settings-profile")).content.decode()


def test_with_htmx_removing_the_avatar_answers_the_avatar_block(member_client, owner, media_root):
    owner.avatar.save("gone.png", png_upload(), save=True)

    response = member_client.post(reverse("web:settings-avatar-remove"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "You have no avatar" in html and "Your avatar is removed." in html
    assert 'id="avatar-heading" tabindex="-1" data-autofocus' in html


def test_removing_the_avatar_takes_a_post(member_client):
    assert member_client.get(reverse("web:settings-avatar-remove")).status_code == 405


# --- preferred genres -----------------------------------------------------------------------------------------


def test_preferred_genres_are_checkboxes_saved_and_cleared(member_client, owner):
    drama, horror, comedy = GenreFactory(name="Drama"), GenreFactory(name="Horror"), GenreFactory(name="Comedy")
    owner.preferred_genres.set([comedy])

    page = member_client.get(reverse("web:settings-genres")).content.decode()
    assert f'value="{comedy.pk}"' in page and "checked" in page
    assert "<legend>Genres to recommend from</legend>" in page

    response = member_client.post(reverse("web:settings-genres"), {"genres": [drama.pk, horror.pk]})
    assert response.status_code == 302
    assert messages_of(response) == ["Your genres are saved."]
    assert set(owner.preferred_genres.all()) == {drama, horror}

    member_client.post(reverse("web:settings-genres"), {})
    assert not owner.preferred_genres.exists()


def test_an_unknown_genre_is_refused(member_client, owner):
    GenreFactory(name="Drama")

    response = member_client.post(reverse("web:settings-genres"), {"genres": ["999999"]})

    assert response.status_code == 400
    assert response.context["form"].errors["genres"]
    assert not owner.preferred_genres.exists()


def test_with_htmx_genres_are_saved_in_place(member_client, owner):
    drama = GenreFactory(name="Drama")

    response = member_client.post(reverse("web:settings-genres"), {"genres": [drama.pk]}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Your genres are saved." in html and "data-autofocus>Save genres" in html
    assert list(owner.preferred_genres.all()) == [drama]


def test_genre_names_are_escaped(member_client):
    GenreFactory(name="<i>Noir</i>", slug="noir")

    html = member_client.get(reverse("web:settings-genres")).content.decode()

    assert "&lt;i&gt;Noir&lt;/i&gt;" in html and "<i>Noir</i>" not in html


# --- privacy --------------------------------------------------------------------------------------------------


def test_privacy_settings_are_saved(member_client, owner):
    response = member_client.post(reverse("web:settings-privacy"), {"diary_public": "on"})

    assert response.status_code == 302
    assert messages_of(response) == ["Your privacy settings are saved."]
    owner.refresh_from_db()
    assert (owner.diary_public, owner.watchlist_public) == (True, False)
    assert "your watchlist is private" in member_client.get(reverse("web:settings")).content.decode()

    member_client.post(reverse("web:settings-privacy"), {"watchlist_public": "on"}, **HTMX)
    owner.refresh_from_db()
    assert (owner.diary_public, owner.watchlist_public) == (False, True)


def test_the_privacy_form_shows_the_current_choices(member_client, owner):
    owner.diary_public = False
    owner.save()

    form = member_client.get(reverse("web:settings-privacy")).context["form"]

    assert form.initial == {"diary_public": False, "watchlist_public": True}


# --- password -------------------------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_revokes_api_tokens(member_client, owner):
    RefreshToken.for_user(owner)  # an app logged in through the API
    new = "a-brand-new-passphrase-77"

    response = member_client.post(
        reverse("web:password-change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("web:settings")
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert member_client.get(reverse("web:settings")).status_code == 200  # still logged in
    assert BlacklistedToken.objects.filter(token__in=OutstandingToken.objects.filter(user=owner)).exists()


def test_a_wrong_current_password_changes_nothing(member_client, owner):
    response = member_client.post(
        reverse("web:password-change"),
        {"old_password": "wrong", "new_password1": "x-new-pass-99-x", "new_password2": "x-new-pass-99-x"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)


def test_changing_the_password_is_throttled_like_logging_in(member_client, owner, monkeypatch):
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {**AuthRateThrottle.THROTTLE_RATES, "auth": "1/minute"})
    wrong = {"old_password": "guess", "new_password1": "x-new-pass-99-x", "new_password2": "x-new-pass-99-x"}
    assert member_client.post(reverse("web:password-change"), wrong).status_code == 200

    response = member_client.post(reverse("web:password-change"), {**wrong, "old_password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)


# --- deleting the account -------------------------------------------------------------------------------------


def test_the_delete_page_explains_what_goes(member_client):
    html = member_client.get(reverse("web:settings-delete")).content.decode()

    assert "cannot be undone" in html
    assert "reviews" in html and "lists" in html and "diary" in html
    assert f'href="{reverse("web:export")}"' in html
    assert 'autocomplete="current-password"' in html


def test_deleting_the_account_needs_the_password(member_client, owner):
    response = member_client.post(reverse("web:settings-delete"), {"password": "not-it"})

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["Password is incorrect."]
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_the_account_removes_it_logs_out_and_says_goodbye(member_client, owner):
    ReviewFactory(user=owner)

    response = member_client.post(reverse("web:settings-delete"), {"password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("web:home"), 302)]
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Review.objects.filter(user_id=owner.pk).exists()
    assert not response.context["user"].is_authenticated
    assert "Your account and everything in it are deleted." in response.content.decode()


def test_deleting_the_account_is_throttled_like_logging_in(member_client, owner, monkeypatch):
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {**AuthRateThrottle.THROTTLE_RATES, "auth": "2/minute"})
    for _ in range(2):
        assert member_client.post(reverse("web:settings-delete"), {"password": "guess"}).status_code == 400

    response = member_client.post(reverse("web:settings-delete"), {"password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert User.objects.filter(pk=owner.pk).exists()


# --- queries --------------------------------------------------------------------------------------------------


def _with_genres_and_imports(owner, size: int) -> None:
    genres = [GenreFactory() for _ in range(size)]
    owner.preferred_genres.set(genres)
    for number in range(size):
        ImportJob.objects.create(user=owner, source="imdb", file_name=f"f{number}.csv", status="done", rows=1)


@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # The session, the member, unread notifications; then the page's own reads:
        ("web:settings", 5),  # + the member's genres, their latest import
        ("web:settings-profile", 3),
        ("web:settings-genres", 5),  # + every genre, the member's genres
        ("web:settings-privacy", 3),
        ("web:password-change", 3),
        ("web:settings-delete", 3),
        ("web:import", 5),  # + COUNT of the imports, a page of them
        ("web:export", 3),
    ],
)
def test_settings_pages_read_in_a_fixed_number_of_queries(
    member_client, owner, django_assert_num_queries, name, queries, size
):
    _with_genres_and_imports(owner, size)

    with django_assert_num_queries(queries):
        assert member_client.get(reverse(name)).status_code == 200
