from django.db.models import Count, Q, QuerySet

from movies.models import Movie
from reviews.models import MAX_RATING, MIN_RATING, Review

STARS = range(MIN_RATING, MAX_RATING + 1)


def movie_list() -> QuerySet:
    return Movie.objects.all()


def movie_rating_distribution(movie: Movie) -> dict[str, int]:
    counts = Review.objects.filter(movie=movie).aggregate(
        **{str(star): Count("pk", filter=Q(rating=star)) for star in STARS}
    )
    return {str(star): counts[str(star)] for star in STARS}


def movie_reviews(movie: Movie) -> QuerySet:
    return Review.objects.filter(movie=movie).select_related("user", "movie")
