from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from accounts.validators import validate_avatar, validate_time_zone


class User(AbstractUser):
    email = models.EmailField("email address", blank=True)
    bio = models.TextField(blank=True, max_length=1000)
    avatar = models.ImageField(upload_to="avatars/", blank=True, validators=[validate_avatar])
    # What a user with no reviews yet is recommended from (popular movies in these genres).
    preferred_genres = models.ManyToManyField("movies.Genre", blank=True, related_name="preferred_by")
    # Public by default, as on Letterboxd; a private one is a 404 to everyone but its owner.
    diary_public = models.BooleanField(default=True)
    watchlist_public = models.BooleanField(default=True)
    # An IANA name: "today" for a diary entry is the user's today.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username
