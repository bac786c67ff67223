from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from movies.models import Genre, Movie
from reviews.models import MAX_RATING, MIN_RATING, Review

STARS = range(MIN_RATING, MAX_RATING + 1)


def movie_list() -> QuerySet:
    return Movie.objects.prefetch_related("genres")


def movie_rating_distribution(movie: Movie) -> dict[str, int]:
    counts = dict(
        Review.objects.filter(movie=movie)
        .order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
        .values_list("rating", "n")
    )
    return {str(star): counts.get(star, 0) for star in STARS}


def movie_reviews(movie: Movie) -> QuerySet:
    return Review.objects.filter(movie=movie).select_related("user", "movie")


def genre_list_with_stats() -> QuerySet:
    """Genres with movie_count, review_count (over their movies) and avg_rating (mean of rated movies)."""
    return Genre.objects.annotate(
        movie_count=Count("movies"),
        review_count=Coalesce(Sum("movies__review_count"), 0),
        avg_rating=Avg("movies__avg_rating", filter=Q(movies__review_count__gt=0)),
    )


def genre_movies(genre: Genre) -> QuerySet:
    return genre.movies.prefetch_related("genres").order_by("-review_count", "title", "pk")
