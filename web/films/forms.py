"""The film pages' forms. Each is validated by the serializer the API uses for the same write, so the site and the
API accept exactly the same input; the templates render the fields themselves (stars, toggles, a date)."""

from django import forms

from activity.serializers import DiaryEntryUpdateSerializer
from comments.serializers import CommentWriteSerializer
from reviews.serializers import ReviewUpdateSerializer
from web.forms import SerializerForm


class RatingForm(SerializerForm):
    """A rating alone (the review's text stays as it is)."""

    serializer_class = ReviewUpdateSerializer

    rating = forms.CharField(required=False)


class ReviewForm(SerializerForm):
    """The member's review: its text, and a rating (the current one when the form has none)."""

    serializer_class = ReviewUpdateSerializer

    rating = forms.CharField(required=False)
    body = forms.CharField(required=False, strip=False, widget=forms.Textarea)


class LogForm(SerializerForm):
    """A viewing for the diary: the date (today in the member's time zone when left out), a rewatch, a rating.

    Needs ``serializer_context={"request": request}``: the latest date allowed is the member's tomorrow."""

    serializer_class = DiaryEntryUpdateSerializer

    watched_on = forms.DateField(required=False)
    rewatch = forms.BooleanField(required=False)
    rating = forms.CharField(required=False)


class CommentForm(SerializerForm):
    serializer_class = CommentWriteSerializer

    body = forms.CharField(required=False, widget=forms.Textarea)
