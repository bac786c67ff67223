"""History imports: the jobs, the rows they could not match, and what each source's keys were matched to."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from imports.history.rows import Source


class ImportJob(models.Model):
    """One upload of a member's history, imported in the background in chunks of rows.

    ``rows_done`` is the checkpoint: each chunk's writes and the counts it adds are committed together, so a job
    that runs again (a worker died) carries on after the last committed chunk and imports nothing twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    source = models.CharField(max_length=16, choices=[(s.value, s.value) for s in Source])
    file_name = models.CharField(max_length=255)
    # The upload itself (at most 20 MB), kept until the job ends so that any worker can run or resume it.
    data = models.BinaryField(editable=False)
    overwrite_ratings = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_present = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_import_per_user",
                violation_error_message="An import of yours is already running.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} import #{self.pk} for {self.user_id} ({self.status})"

    @property
    def progress(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows) if self.rows else 0

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class UnmatchedRow(models.Model):
    """A row that was not imported, with why (and, when no film was found, the films that came close): what the
    member fixes by hand."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="unmatched_rows")
    file = models.CharField(max_length=255)
    line = models.PositiveIntegerField()
    fact = models.CharField(max_length=16)
    # "unmatched": no film found; "skipped": not a film (a TV series) or not importable as it stands.
    status = models.CharField(max_length=16, default="unmatched")
    title = models.CharField(max_length=500, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    key = models.CharField(max_length=255, blank=True)
    reason = models.CharField(max_length=255)
    # [{"tmdb_id", "title", "year"}, ...]
    candidates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.title} ({self.reason})"


class ExternalKey(models.Model):
    """A source's id for a film or a row (a Letterboxd URI, an IMDb const, a Trakt id) and the movie it matched."""

    source = models.CharField(max_length=16, choices=[(s.value, s.value) for s in Source])
    key = models.CharField(max_length=255)
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="external_key_once_per_source")]

    def __str__(self) -> str:
        return f"{self.source}:{self.key} -> {self.movie_id}"
