"""What members do with films beyond reviewing them: diary entries, watched marks, the watchlist, likes and
"not interested"."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from movies.ratings import RATING_RULE, RATINGS, validate_rating


class DiaryEntry(models.Model):
    """One viewing of a film. A rating given with it is also the member's review rating (the review is linked)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diary_entries")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="diary_entries")
    watched_on = models.DateField()
    rewatch = models.BooleanField(default=False)
    rating = models.FloatField(null=True, blank=True, validators=[validate_rating])
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="diary_entries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-watched_on", "-id"]
        verbose_name_plural = "diary entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__in=RATINGS),
                name="diary_rating_in_half_stars",
                violation_error_message=RATING_RULE,
            )
        ]
        indexes = [
            models.Index(fields=["user", "watched_on"]),
            models.Index(fields=["user", "movie"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} watched {self.movie} on {self.watched_on}"


def now() -> datetime.datetime:
    # timezone.now looked up at each call, not when the model is defined: a test's frozen clock applies to it too.
    return timezone.now()


class MovieMark(models.Model):
    """A member's yes/no about a film: at most one per member and film, removed by deleting it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    # Not auto_now_add: history imports keep the date the film was added at the source.
    created_at = models.DateTimeField(default=now)

    objects = models.Manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self._meta.verbose_name} {self.movie}"


class WatchedMark(MovieMark):
    """Seen, without a date. A film also counts as watched when it is logged or reviewed."""

    class Meta(MovieMark.Meta):
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="watched_once_per_user")]


class WatchlistEntry(MovieMark):
    class Meta(MovieMark.Meta):
        verbose_name_plural = "watchlist entries"
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="watchlist_once_per_user")]
        indexes = [models.Index(fields=["user", "created_at"])]


class MovieLike(MovieMark):
    class Meta(MovieMark.Meta):
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="movie_like_once_per_user")]


class Dismissal(MovieMark):
    """ "Not interested": the film is left out of every personal recommendation list until this is deleted."""

    class Meta(MovieMark.Meta):
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="dismissal_once_per_user")]
