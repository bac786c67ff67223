"""Popularity lists. Each returns serialised rows and is cached per cache generation."""

from datetime import timedelta

from django.db.models import Count, ExpressionWrapper, F, FloatField, Sum, Value
from django.utils import timezone

from movies.models import Movie
from recommendations.caching import cached
from recommendations.serializers import RecommendedMovieSerializer
from reviews.models import Review

# How many "average" votes a movie's score is pulled towards the global mean by.
TOP_RATED_PRIOR_WEIGHT = 10


def _movies():
    return Movie.objects.all()


def _rows(movies, scores: dict[int, float] | None = None) -> list[dict]:
    for movie in movies:
        movie.score = scores[movie.pk] if scores else getattr(movie, "score", None)
    return RecommendedMovieSerializer(movies, many=True).data


def _global_mean_rating() -> float:
    totals = Movie.objects.filter(review_count__gt=0).aggregate(
        weighted=Sum(F("avg_rating") * F("review_count"), output_field=FloatField()), count=Sum("review_count")
    )
    return (totals["weighted"] or 0.0) / totals["count"] if totals["count"] else 0.0


def top_rated(*, limit: int) -> list[dict]:
    """Damped (Bayesian) mean: a single 5-star review cannot outrank hundreds of 4.5s."""

    def compute() -> list[dict]:
        prior = Value(TOP_RATED_PRIOR_WEIGHT * _global_mean_rating())
        weight = Value(float(TOP_RATED_PRIOR_WEIGHT))
        score = ExpressionWrapper(
            (prior + F("avg_rating") * F("review_count")) / (weight + F("review_count")), output_field=FloatField()
        )
        movies = _movies().filter(review_count__gt=0).annotate(score=score).order_by("-score", "-review_count", "pk")
        return _rows(movies[:limit])

    return cached("top_rated", {"limit": limit}, compute)


def trending(*, days: int, limit: int) -> list[dict]:
    """Most reviews in the last `days` days."""

    def compute() -> list[dict]:
        since = timezone.now() - timedelta(days=days)
        counts = list(
            Review.objects.filter(created_at__gte=since)
            .values("movie_id")
            .annotate(recent=Count("pk"))
            .order_by("-recent", "movie_id")[:limit]
        )
        scores = {row["movie_id"]: float(row["recent"]) for row in counts}
        movies = sorted(_movies().filter(pk__in=scores), key=lambda movie: (-scores[movie.pk], movie.pk))
        return _rows(movies, scores)

    return cached("trending", {"days": days, "limit": limit}, compute)


def most_reviewed(*, limit: int) -> list[dict]:
    def compute() -> list[dict]:
        movies = list(_movies().filter(review_count__gt=0).order_by("-review_count", "-avg_rating", "pk")[:limit])
        return _rows(movies, {movie.pk: float(movie.review_count) for movie in movies})

    return cached("most_reviewed", {"limit": limit}, compute)


def recently_added(*, limit: int) -> list[dict]:
    def compute() -> list[dict]:
        return _rows(_movies().order_by("-created_at", "-pk")[:limit])

    return cached("recent", {"limit": limit}, compute)
