from rest_framework import serializers

from comments.models import Comment
from core.filters import BIGINT_MAX
from core.serializers import RejectUnknownFieldsMixin
from notifications.models import Notification
from notifications.pagination import UNREAD_COUNT_HELP

EXCERPT_LENGTH = 140
MAX_IDS = 1000


class NotifiedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    movie_id = serializers.IntegerField()
    movie_title = serializers.CharField(source="movie.title")


class NotifiedListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NotifiedCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    excerpt = serializers.SerializerMethodField(help_text=f"The first {EXCERPT_LENGTH} characters, as written.")

    def get_excerpt(self, comment: Comment) -> str:
        body = comment.body
        return body if len(body) <= EXCERPT_LENGTH else body[: EXCERPT_LENGTH - 1] + "…"


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", help_text="The username of who did it.")
    read = serializers.SerializerMethodField()
    review = NotifiedReviewSerializer(allow_null=True, help_text="The review liked or commented on.")
    list = NotifiedListSerializer(source="film_list", allow_null=True, help_text="The list liked or commented on.")
    comment = NotifiedCommentSerializer(allow_null=True, help_text="The new comment (comment and reply kinds).")

    class Meta:
        model = Notification
        fields = ["id", "kind", "actor", "created_at", "read", "review", "list", "comment"]
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class StrictIdField(serializers.IntegerField):
    """A JSON integer: not a string, a float or a boolean."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class MarkReadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    ids = serializers.ListField(
        child=StrictIdField(min_value=1, max_value=BIGINT_MAX),
        required=False,
        allow_empty=False,
        min_length=1,
        max_length=MAX_IDS,
        help_text=f"Your notifications to mark read (1 to {MAX_IDS} ids); ids that are not yours change nothing.",
    )
    all = serializers.BooleanField(required=False, help_text="true: mark every one of your notifications read.")

    def validate_all(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError("Must be true; to mark some notifications read, send ids instead.")
        return value

    def validate(self, attrs: dict) -> dict:
        if ("ids" in attrs) == ("all" in attrs):
            raise serializers.ValidationError("Send either ids or all (true), not both.", code="ids_or_all")
        return attrs


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField(min_value=0, help_text=UNREAD_COUNT_HELP)
