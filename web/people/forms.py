"""The members' pages' forms. Their rules are the API serializers' (web.forms.SerializerForm)."""

import re
from typing import Any

from django import forms

from comments.models import MAX_BODY
from comments.serializers import CommentWriteSerializer
from core.filters import BIGINT_MAX
from lists.models import MAX_ITEMS
from lists.serializers import FilmListInputSerializer, ListItemCreateSerializer, ListItemUpdateSerializer
from web.forms import SerializerForm


class _BlankAllowed(SerializerForm):
    """SerializerForm leaves out empty values (the serializer's defaults apply); the fields named in ``blank`` may
    be sent empty on purpose, to clear them (a list's description, a film's note)."""

    blank: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.blank:
            if name in self.data and cleaned.get(name) == "" and name not in self.errors:
                self.validated[name] = ""
        return cleaned


class ListForm(_BlankAllowed):
    serializer_class = FilmListInputSerializer
    blank = ("description",)

    name = forms.CharField(max_length=200)
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Optional."
    )
    ranked = forms.BooleanField(required=False, label="Ranked", help_text="The order is a ranking: 1 is the best.")
    public = forms.BooleanField(
        required=False, initial=True, label="Public", help_text="A private list is yours alone."
    )


class ItemForm(_BlankAllowed):
    """Move a film in a list (``position``) or change its note."""

    serializer_class = ListItemUpdateSerializer
    blank = ("note",)

    position = forms.IntegerField(required=False, min_value=1, max_value=MAX_ITEMS)
    note = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AddItemForm(SerializerForm):
    serializer_class = ListItemCreateSerializer

    movie = forms.IntegerField(min_value=1, max_value=BIGINT_MAX)


class CommentForm(SerializerForm):
    serializer_class = CommentWriteSerializer

    body = forms.CharField(
        label="Your comment",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text, up to 2,000 characters.",
    )


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(forms.Form):
    """A month of a diary, as YYYY-MM (what <input type="month"> sends)."""

    month = forms.CharField(required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self) -> tuple[int, int] | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        match = MONTH.match(value)
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1870:
            raise forms.ValidationError("Pick a month, as YYYY-MM (2024-05 for May 2024).")
        return int(match.group(1)), int(match.group(2))
