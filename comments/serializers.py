from rest_framework import serializers

from comments.models import MAX_BODY, Comment
from core.representation import FastRepresentationMixin
from core.serializers import RejectUnknownFieldsMixin


class CommentSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    """A comment as JSON. The body is plain text, exactly as written: clients must escape it wherever they render
    it (this API never renders HTML)."""

    author = serializers.CharField(source="author.username", read_only=True)
    review = serializers.IntegerField(source="review_id", read_only=True, allow_null=True)
    list = serializers.IntegerField(source="film_list_id", read_only=True, allow_null=True)
    edited = serializers.BooleanField(read_only=True, help_text="True once the author has changed the body.")

    class Meta:
        model = Comment
        fields = ["id", "author", "review", "list", "body", "edited", "created_at", "updated_at"]
        read_only_fields = fields


class CommentWriteSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Surrounding whitespace is trimmed; what is left (1 to 2,000 characters) is kept exactly, markup included."""

    # An edit (PATCH) sends the new body too: the schema documents it as required there (core/schema.py).
    partial_updates = False

    body = serializers.CharField(max_length=MAX_BODY, trim_whitespace=True, allow_blank=False)
