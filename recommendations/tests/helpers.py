import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from movies.models import Movie
from reviews.models import Review
from reviews.services import movie_aggregates_refresh

_usernames = itertools.count()


def add_reviews(movie: Movie, ratings: list[int], *, age: datetime.timedelta | None = None) -> list[Review]:
    """Bulk-insert one review per rating, each by a new user, `age` old; then make the movie's numbers exact."""
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [user_model(username=f"bulk{next(_usernames)}", password="!") for _ in ratings]
    )
    created_at = timezone.now() - (age or datetime.timedelta(0))
    reviews = Review.objects.bulk_create(
        [
            Review(user=user, movie=movie, rating=rating, created_at=created_at)
            for user, rating in zip(users, ratings, strict=True)
        ]
    )
    movie_aggregates_refresh([movie.pk])
    movie.refresh_from_db()
    return reviews
