import datetime

import factory
from django.contrib.auth import get_user_model

from movies.models import Movie
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


class MovieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movie

    title = factory.Sequence(lambda n: f"Movie {n}")
    description = factory.Faker("sentence")
    release_date = factory.Sequence(lambda n: datetime.date(1990 + n % 30, 1 + n % 12, 1 + n % 28))
    runtime = 110
    genre = "Drama"


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
