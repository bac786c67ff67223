"""What members did, one row per thing done, read newest first by the members who follow them."""

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    REVIEW = "review", "Review written"
    DIARY_ENTRY = "diary_entry", "Diary entry"
    LIST = "list", "List created"
    REVIEW_LIKE = "review_like", "Review liked"


class Event(models.Model):
    """One thing a member did. Exactly one of the object columns is set (the one its kind names); deleting the
    object deletes the event. Whether the object may be shown (private diary, private list, hidden review, blocks)
    is decided when the feed is read, never stored here."""

    # Served by the (actor, created_at, id) index below; each object column has its own index (deletes find events).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Whose content the event is about: the actor, or for a like the liked review's author (blocks are read on it).
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    created_at = models.DateTimeField()
    # The object is hidden by moderation or private (for a like: the liked review is hidden). Kept by the feed's
    # receivers so that picking a page reads the index alone; the page's objects are checked again when loaded.
    hidden = models.BooleanField(default=False, db_default=False)
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    diary_entry = models.ForeignKey(
        "activity.DiaryEntry", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    film_list = models.ForeignKey("lists.FilmList", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    review_like = models.ForeignKey(
        "reviews.ReviewLike", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The feed: each followed member's events, newest first, resumed after a (created_at, id) cursor.
            # Covering on PostgreSQL (an index-only scan decides what may be shown); other databases ignore include.
            models.Index(
                fields=["actor", "-created_at", "-id"],
                include=["kind", "subject", "hidden"],
                name="feed_event_actor_recent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="review", review__isnull=False)
                    | models.Q(kind="diary_entry", diary_entry__isnull=False)
                    | models.Q(kind="list", film_list__isnull=False)
                    | models.Q(kind="review_like", review_like__isnull=False)
                ),
                name="feed_event_has_its_object",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} at {self.created_at:%Y-%m-%d %H:%M}"
