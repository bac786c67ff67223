"""Members' lists of films: ranked or not, public or private, with a note per film."""

from django.conf import settings
from django.db import models

MAX_ITEMS = 5000


class FilmList(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="film_lists")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    ranked = models.BooleanField(default=False)
    # A private list is a 404 to everyone but its owner.
    public = models.BooleanField(default=True)
    # Maintained by the lists and comments services, under a lock of the list row or by relative updates.
    item_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    like_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "updated_at"]),
            models.Index(fields=["public", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name


class ListItem(models.Model):
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="items")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="list_items")
    note = models.TextField(blank=True, max_length=1000)
    # 1..n with no gaps within a list, kept so by lists.services.
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["film_list", "movie"], name="list_item_movie_once")]
        indexes = [models.Index(fields=["film_list", "position"]), models.Index(fields=["movie", "film_list"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.movie} in {self.film_list}"


class ListLike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_likes")
    film_list = models.ForeignKey(FilmList, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "film_list"], name="list_like_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} likes list {self.film_list_id}"
