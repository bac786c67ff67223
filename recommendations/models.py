"""What the offline builder leaves for the online lookups: model versions and stored content neighbours."""

from django.db import models


class ModelVersion(models.Model):
    """One run of build_recommendations: an immutable .npz artefact plus the neighbour rows written with it.

    Nothing reads a version until RecommenderState.active_version points at it.
    """

    class Collaborative(models.TextChoices):
        EASE = "ease", "EASE"
        ITEM_KNN = "item_knn", "item kNN"
        NONE = "none", "none (no reviews)"

    created_at = models.DateTimeField(auto_now_add=True)
    artefact = models.CharField(max_length=255, help_text="File name under RECOMMENDER_MODEL_DIR.")
    collaborative = models.CharField(max_length=10, choices=Collaborative.choices)
    movie_count = models.PositiveIntegerField(default=0)
    reviewed_movie_count = models.PositiveIntegerField(default=0)
    user_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    build_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"model {self.pk} ({self.collaborative}, {self.movie_count} movies)"


class RecommenderState(models.Model):
    """A single row (pk 1): the served version, and the lease that keeps two builds from overlapping.

    Switching versions is one UPDATE of ``active_version``; the build lock is a conditional UPDATE that only
    succeeds when nobody holds an unexpired lease, so it works across processes and hosts on any database.
    """

    SINGLETON_PK = 1

    active_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    build_lock_token = models.CharField(max_length=64, blank=True)
    build_lock_expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"active version {self.active_version_id}"


class SimilarMovie(models.Model):
    """One of a movie's top-K content neighbours in one model version, ``rank`` 0 being the closest."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The (movie, version, rank) unique index serves both the lookup and the cascade when a movie goes.
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+", db_index=False)
    neighbour = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="Cosine similarity of the two movies' TF-IDF vectors.")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["movie", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["movie", "version", "rank"], name="similar_movie_rank_unique"),
            models.CheckConstraint(condition=~models.Q(movie=models.F("neighbour")), name="similar_movie_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.movie_id} ~ {self.neighbour_id} ({self.score:.3f})"


class PopularList(models.Model):
    """A popularity list as last ranked (top rated, trending over some days, most reviewed, recently added): every
    read takes it from here instead of ranking the whole catalogue again, for POPULAR_FIGURES_REFRESH_SECONDS."""

    key = models.CharField(max_length=40, primary_key=True)
    ranked = models.JSONField(default=list, help_text="[movie id, score] pairs, first first.")
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} ({self.computed_at:%Y-%m-%d %H:%M:%S})"
