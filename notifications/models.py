"""What happened to a member's account or content: a new follower, a like, a comment, a reply in a thread."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        FOLLOW = "follow", "New follower"
        REVIEW_LIKE = "review_like", "Like of your review"
        REVIEW_COMMENT = "review_comment", "Comment on your review"
        LIST_LIKE = "list_like", "Like of your list"
        LIST_COMMENT = "list_comment", "Comment on your list"
        REPLY = "reply", "Reply in a thread you commented on"

    # No index of its own: the two below start with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What the notification is about; deleting it deletes its notifications. A comment's notification also
    # names the review or list the comment is on.
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    film_list = models.ForeignKey("lists.FilmList", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Null while unread.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The recipient's page, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_page"),
            # Only the unread rows: the unread count and the unread page.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_recipient_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id} from {self.actor_id}"
