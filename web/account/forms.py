"""The account's forms. Each one validates with the API's serializer, so the site accepts exactly what the API does:
joining (RegisterSerializer), the member's own account (UserSerializer, as a PATCH of /api/users/me/ is), deleting
the account (AccountDeleteSerializer) and a history upload (ImportUploadSerializer)."""

import functools
import zoneinfo
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation

from accounts.models import User
from accounts.serializers import AccountDeleteSerializer, RegisterSerializer, UserSerializer
from imports.history.rows import Source
from imports.history.serializers import ImportUploadSerializer
from imports.history.upload import MAX_UPLOAD_BYTES, SOURCE_NAMES
from movies.models import Genre
from web.forms import SerializerForm

AVATAR_TYPES = "image/jpeg,image/png,image/gif,image/webp"
HISTORY_TYPES = ".zip,.csv,.json,application/zip,text/csv,application/json"


class RegisterForm(SerializerForm):
    serializer_class = RegisterSerializer

    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(password_validation.password_validators_help_texts()),
    )


class AccountForm(SerializerForm):
    """A change to the member's own account, validated by UserSerializer as a partial update of ``user``: only the
    form's fields are sent, and an empty text field is sent as empty (it clears the field, as in the API)."""

    serializer_class = UserSerializer
    # The serializer's field name -> the form's, where they differ.
    renamed: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def serializer_data(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return dict(cleaned)

    def clean(self) -> dict[str, Any]:
        cleaned = dict(self.cleaned_data)
        if self.errors:
            return cleaned
        serializer = UserSerializer(self.user, data=self.serializer_data(cleaned), partial=True)
        if serializer.is_valid():
            self.validated = dict(serializer.validated_data)
        else:
            self.add_serializer_errors(serializer.errors)
        return cleaned

    def add_serializer_errors(self, errors: Any) -> None:
        if isinstance(errors, dict):
            errors = {self.renamed.get(name, name): messages for name, messages in errors.items()}
        super().add_serializer_errors(errors)


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


class ProfileForm(AccountForm):
    first_name = forms.CharField(
        max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    bio = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text="At most 1,000 characters."
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Your diary's “today” is the day in this time zone."
    )
    avatar = forms.FileField(
        required=False,
        label="New avatar",
        widget=forms.FileInput(attrs={"accept": AVATAR_TYPES}),
        help_text="A JPEG, PNG, GIF or WebP image; leave empty to keep your avatar.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {name: getattr(user, name) for name in ("first_name", "last_name", "bio", "time_zone")},
        )
        super().__init__(*args, user=user, **kwargs)

    def serializer_data(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        data = dict(cleaned)
        if not data.get("avatar"):
            data.pop("avatar", None)  # no new file: the avatar stays
        return data


class GenresForm(AccountForm):
    renamed = {"preferred_genre_ids": "genres"}

    genres = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Genres to recommend from",
    )

    def __init__(self, *args: Any, user: User, genres: Iterable[Genre], chosen: Iterable[int], **kwargs: Any):
        kwargs.setdefault("initial", {"genres": list(chosen)})
        super().__init__(*args, user=user, **kwargs)
        self.fields["genres"].choices = [(genre.pk, genre.name) for genre in genres]  # type: ignore[attr-defined]

    def serializer_data(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {"preferred_genre_ids": cleaned.get("genres", [])}


class PrivacyForm(AccountForm):
    diary_public = forms.BooleanField(
        required=False, label="Show my diary to others", help_text="Off: your diary is yours alone."
    )
    watchlist_public = forms.BooleanField(
        required=False, label="Show my watchlist to others", help_text="Off: your watchlist is yours alone."
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"diary_public": user.diary_public, "watchlist_public": user.watchlist_public})
        super().__init__(*args, user=user, **kwargs)


class AccountDeleteForm(SerializerForm):
    serializer_class = AccountDeleteSerializer

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )


SOURCE_CHOICES = [("", "Tell from the file"), *((source.value, SOURCE_NAMES[source]) for source in Source)]


class ImportForm(SerializerForm):
    serializer_class = ImportUploadSerializer

    file = forms.FileField(
        label="Your export file",
        widget=forms.FileInput(attrs={"accept": HISTORY_TYPES}),
        help_text=(
            "A Letterboxd export (the ZIP, or one of its CSV files), an IMDb ratings, list or watchlist CSV, a Trakt "
            f"export (ZIP or JSON) or a FlixReview export; at most {MAX_UPLOAD_BYTES // 2**20} MB."
        ),
    )
    source = forms.ChoiceField(choices=SOURCE_CHOICES, required=False, label="Where it comes from")
    overwrite_ratings = forms.BooleanField(
        required=False,
        label="Let the file's ratings replace mine",
        help_text="By default a rating you already have on FlixReview stays.",
    )

    def clean(self) -> dict[str, Any]:
        if self.errors:  # no file, say: the serializer would only say it again
            return self.cleaned_data
        return super().clean()
