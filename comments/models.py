"""Comments on reviews and on lists: plain text, stored as written, always rendered escaped."""

from django.conf import settings
from django.db import models

MAX_BODY = 2000


class Comment(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    # Exactly one of the two: what the comment is on.
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    film_list = models.ForeignKey(
        "lists.FilmList", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    body = models.TextField(max_length=MAX_BODY)
    # Set by admins (moderation): a hidden comment is left out of every public read and of the counts.
    hidden = models.BooleanField(default=False, db_default=False)
    # Set when the author changes the body; moderation does not count as an edit.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(review__isnull=False, film_list__isnull=True))
                | (models.Q(review__isnull=True, film_list__isnull=False)),
                name="comment_on_exactly_one_thing",
            )
        ]
        indexes = [
            models.Index(fields=["review", "created_at"]),
            models.Index(fields=["film_list", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"

    @property
    def edited(self) -> bool:
        return self.edited_at is not None
