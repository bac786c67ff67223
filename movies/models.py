from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property

from movies.ratings import no_ratings


class Genre(models.Model):
    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    tmdb_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The genre's figures as last counted (movies.services.genre_stats_refresh, with the popular figures): summing
    # 60,000 films' counts on every read took 130 ms.
    movie_count = models.PositiveIntegerField(default=0, editable=False)
    review_count = models.PositiveIntegerField(default=0, editable=False)
    avg_rating = models.FloatField(null=True, blank=True, editable=False, help_text="Mean rating of its rated movies.")
    stats_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="genre_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Movie(models.Model):
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    release_date = models.DateField(null=True, blank=True)
    runtime = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minutes.", validators=[MaxValueValidator(2000)]
    )
    poster_url = models.URLField(max_length=500, blank=True)
    backdrop_url = models.URLField(max_length=500, blank=True)
    tmdb_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    imdb_id = models.CharField(max_length=20, blank=True)
    movielens_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    budget = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    revenue = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    genres = models.ManyToManyField(Genre, related_name="movies", blank=True)
    # TMDB image paths ("/abc.jpg"); poster_url/backdrop_url are built from them and TMDB's configuration.
    poster_path = models.CharField(max_length=200, blank=True)
    backdrop_path = models.CharField(max_length=200, blank=True)
    poster_file = models.FileField(upload_to="posters/", blank=True)
    # Content features for similarity: keyword names, top-billed cast in billing order, directors.
    keywords = models.JSONField(default=list, blank=True)
    cast = models.JSONField(default=list, blank=True)
    directors = models.JSONField(default=list, blank=True)
    tmdb_synced_at = models.DateTimeField(null=True, blank=True)
    # Denormalised from reviews by reviews.services in the same transaction as each review write.
    avg_rating = models.FloatField(default=0, editable=False)
    review_count = models.PositiveIntegerField(default=0, editable=False)
    rating_distribution = models.JSONField(default=no_ratings, editable=False, help_text="Reviews per star.")
    # Maintained by activity.services with each like and unlike.
    like_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["title"]),
            models.Index(fields=["release_date"]),
            models.Index(fields=["avg_rating"]),
            models.Index(fields=["review_count"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        year = f" ({self.release_date.year})" if self.release_date else ""
        return f"{self.title}{year}"

    @cached_property
    def genre_summaries(self) -> list[dict[str, Any]]:
        """Its genres' id, name and slug, by name. Selectors of lists fill it for a whole page in one query
        (movies.selectors.with_genre_summaries)."""
        return [dict(row) for row in self.genres.order_by("name", "pk").values("id", "name", "slug")]
