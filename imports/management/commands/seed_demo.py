"""Load a small demo catalogue with users and reviews so every page has data. Safe to run again."""

import datetime
import os
import random
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.caching import catalogue_changed
from movies.models import Genre, Movie
from movies.services import genres_get_or_create, movie_genres_link
from reviews.models import Review
from reviews.services import movie_aggregates_refresh

DEMO_USER_PASSWORD = "demo-password-123"
DEMO_USERNAMES = ["ada", "grace", "linus", "margaret", "alan", "barbara", "ken", "radia"]

# (title, year, genres, description)
DEMO_MOVIES = [
    ("The Shawshank Redemption", 1994, "Drama, Crime", "Two imprisoned men bond over a number of years."),
    ("The Godfather", 1972, "Crime, Drama", "The aging patriarch of a crime dynasty transfers control to his son."),
    (
        "The Dark Knight",
        2008,
        "Action, Crime, Drama",
        "Batman faces the Joker, who wants to plunge Gotham into anarchy.",
    ),
    ("Pulp Fiction", 1994, "Crime, Drama", "The lives of two mob hitmen, a boxer and a pair of bandits intertwine."),
    ("Inception", 2010, "Action, Sci-Fi, Thriller", "A thief who steals secrets through dream-sharing technology."),
    ("The Matrix", 1999, "Action, Sci-Fi", "A hacker learns the true nature of his reality."),
    ("Spirited Away", 2001, "Animation, Fantasy, Family", "A girl wanders into a world ruled by gods and spirits."),
    ("Toy Story", 1995, "Animation, Comedy, Family", "A cowboy doll feels threatened by a new spaceman toy."),
    ("Alien", 1979, "Horror, Sci-Fi", "The crew of a commercial spacecraft meets a deadly lifeform."),
    ("Amélie", 2001, "Comedy, Romance", "A shy waitress decides to change the lives of those around her."),
    ("Parasite", 2019, "Comedy, Drama, Thriller", "A poor family schemes to become employed by a wealthy family."),
    ("Casablanca", 1942, "Drama, Romance, War", "A cynical nightclub owner protects his former lover."),
    (
        "Mad Max: Fury Road",
        2015,
        "Action, Adventure, Sci-Fi",
        "A woman rebels against a tyrant in a post-apocalyptic desert.",
    ),
    (
        "The Grand Budapest Hotel",
        2014,
        "Adventure, Comedy, Crime",
        "A concierge and his lobby boy are framed for murder.",
    ),
    (
        "Get Out",
        2017,
        "Horror, Mystery, Thriller",
        "A young man uncovers a disturbing secret at his girlfriend's family home.",
    ),
    ("Arrival", 2016, "Drama, Sci-Fi, Mystery", "A linguist works to communicate with alien visitors."),
    ("Heat", 1995, "Action, Crime, Drama", "A detective hunts a professional thief in Los Angeles."),
    ("Up", 2009, "Animation, Adventure, Comedy", "An old man ties balloons to his house and flies away."),
    ("Blade Runner", 1982, "Sci-Fi, Thriller", "A blade runner must pursue and terminate four replicants."),
    ("Whiplash", 2014, "Drama, Music", "A promising drummer is pushed to the limit by his instructor."),
    ("The Shining", 1980, "Horror, Drama", "A family heads to an isolated hotel for the winter."),
    ("Before Sunrise", 1995, "Drama, Romance", "Two strangers spend one night walking around Vienna."),
    ("Seven Samurai", 1954, "Action, Drama", "Farmers hire seven samurai to defend their village from bandits."),
    (
        "Everything Everywhere All at Once",
        2022,
        "Action, Adventure, Comedy",
        "A laundromat owner connects with parallel universes.",
    ),
]
REVIEW_LINES = {
    1: "Not for me at all.",
    2: "Had its moments, but mostly dragged.",
    3: "Solid and watchable.",
    4: "Really good; would watch again.",
    5: "A masterpiece.",
}
# (rating, weight): mostly whole stars, some halves.
DEMO_RATINGS = [(1, 1), (2, 2), (2.5, 1), (3, 3), (3.5, 2), (4, 5), (4.5, 3), (5, 4)]


class Command(BaseCommand):
    help = "Create demo movies, users, reviews and an admin account (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        movies = self._movies()
        users = self._users()
        created_reviews = self._reviews(movies, users)
        movie_aggregates_refresh([movie.pk for movie in movies])
        catalogue_changed()
        username, password = self._admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(movies)} movies, {len(users)} users, {created_reviews} new reviews."
            )
        )
        self.stdout.write(f"Admin login: {username} / {password}  (the admin site is at /admin/)")
        self.stdout.write(f"Demo users: {', '.join(DEMO_USERNAMES)} with password {DEMO_USER_PASSWORD}")

    def _movies(self) -> list[Movie]:
        genres = genres_get_or_create(
            name for _title, _year, names, _description in DEMO_MOVIES for name in names.split(", ")
        )
        movies: list[Movie] = []
        links: dict[int, Iterable[Genre]] = {}
        for title, year, names, description in DEMO_MOVIES:
            movie, created = Movie.objects.get_or_create(
                title=title, release_date=datetime.date(year, 1, 1), defaults={"description": description}
            )
            if created:
                links[movie.pk] = [genres[name.casefold()] for name in names.split(", ")]
            movies.append(movie)
        movie_genres_link(links)
        return movies

    def _users(self) -> list[User]:
        user_model = get_user_model()
        users = []
        for name in DEMO_USERNAMES:
            user, created = user_model.objects.get_or_create(
                username=name, defaults={"email": f"{name}@demo.flixreview.test", "bio": f"Demo account {name}."}
            )
            if created:
                user.set_password(DEMO_USER_PASSWORD)
                user.save(update_fields=["password"])
            users.append(user)
        return users

    def _reviews(self, movies: list[Movie], users: list[User]) -> int:
        rng = random.Random(42)
        now = timezone.now()
        existing = set(Review.objects.filter(user__in=users).values_list("user_id", "movie_id"))
        new_reviews = []
        for user in users:
            for movie in rng.sample(movies, k=12):
                rating = rng.choices([value for value, _ in DEMO_RATINGS], [weight for _, weight in DEMO_RATINGS])[0]
                created_at = now - datetime.timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
                if (user.pk, movie.pk) not in existing:
                    new_reviews.append(
                        Review(
                            user=user, movie=movie, rating=rating, body=REVIEW_LINES[int(rating)], created_at=created_at
                        )
                    )
        Review.objects.bulk_create(new_reviews)
        return len(new_reviews)

    def _admin(self) -> tuple[str, str]:
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "flixreview-admin")
        user_model = get_user_model()
        admin, _ = user_model.objects.get_or_create(username=username, defaults={"email": f"{username}@localhost"})
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        return username, password
