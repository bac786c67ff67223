import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from movies.models import Genre, Movie
from movies.services import genres_get_or_create
from reviews.models import Review
from reviews.services import movie_aggregates_refresh

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda genre: slugify(genre.name))


class MovieFactory(factory.django.DjangoModelFactory):
    """`genres=[...]` takes Genre objects or names (created on first sight)."""

    class Meta:
        model = Movie
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Movie {n}")
    description = factory.Faker("sentence")
    release_date = factory.Sequence(lambda n: datetime.date(1990 + n % 30, 1 + n % 12, 1 + n % 28))
    runtime = 110

    @factory.post_generation
    def genres(movie, create, extracted, **kwargs):
        if not create or not extracted:
            return
        names = [genre for genre in extracted if isinstance(genre, str)]
        by_name = genres_get_or_create(names)
        movie.genres.set([by_name[genre.casefold()] if isinstance(genre, str) else genre for genre in extracted])


class ReviewFactory(factory.django.DjangoModelFactory):
    """Creates a review and keeps the movie's aggregates exact, as the service does."""

    class Meta:
        model = Review
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    movie = factory.SubFactory(MovieFactory)
    rating = 4
    body = factory.Faker("sentence")

    @factory.post_generation
    def _refresh_movie(obj, create, extracted, **kwargs):
        if create:
            movie_aggregates_refresh([obj.movie_id])
            obj.movie.refresh_from_db()
