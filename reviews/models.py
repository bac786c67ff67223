from django.conf import settings
from django.db import models
from django.utils import timezone

from movies.ratings import RATING_RULE, RATINGS, rating_key, validate_rating


class Review(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="reviews")
    # Half stars are exact in binary floating point, so the stored value, sums and averages lose nothing.
    rating = models.FloatField(validators=[validate_rating])
    body = models.TextField(blank=True, max_length=10000)
    # Maintained by reviews.services with each like and unlike.
    like_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Visible comments, maintained by comments.services.
    comment_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Set by admins (moderation): a hidden review is left out of every public read; its rating still counts.
    hidden = models.BooleanField(default=False, db_default=False)
    # Not auto_now_add: imports keep the original timestamps.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="review_one_per_user_and_movie"),
            models.CheckConstraint(
                condition=models.Q(rating__in=RATINGS),
                name="review_rating_in_half_stars",
                violation_error_message=RATING_RULE,
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["movie", "created_at"]),
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["rating"]),
            # The newest written reviews (the home page's): most ratings come without a text, so without this index
            # the scan for a few written ones walks past every rating.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(hidden=False) & ~models.Q(body=""),
                name="review_written_newest_idx",
            ),
            # Few reviews are hidden: counting them is how the public list is counted (see public_review_count).
            models.Index(fields=["id"], condition=models.Q(hidden=True), name="review_hidden_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.movie}: {rating_key(self.rating)}/5"


class ReviewLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_likes")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "review"], name="review_like_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} likes review {self.review_id}"
