"""What several lists share: a user's reviews, movie summaries, the served model's version."""

from collections.abc import Iterable, Sequence

from django.conf import settings

from core.caching import cached
from movies.serializers import movie_summaries_by_id
from recommendations.serving import UserHistory, served_model
from reviews.models import Review

Ranked = Sequence[tuple[int, float | None]]


def list_cache_seconds() -> int:
    return settings.RECOMMENDATIONS_CACHE_SECONDS


def served_version() -> int:
    """The served model's version id, 0 before the first build: part of every key that depends on the model."""
    model = served_model()
    return model.version_id if model else 0


def user_history(user_id: int) -> UserHistory:
    return UserHistory.from_rows(
        list(Review.objects.filter(user_id=user_id).order_by("movie_id").values_list("movie_id", "rating"))
    )


def cached_user_history(user_id: int) -> UserHistory:
    """The user's reviews, shared by their for-you, similar and by-genre requests until the next write."""
    return cached(f"history:{user_id}", lambda: user_history(user_id), list_cache_seconds())


def movie_summaries(movie_ids: Iterable[int]) -> dict[int, dict]:
    """{movie id: MovieSummarySerializer row} for the movies that still exist."""
    return movie_summaries_by_id(list(dict.fromkeys(movie_ids)))


def scored_rows(ranked: Ranked) -> list[dict]:
    """Summary rows of the ranked movies that still exist, in order, each with its score."""
    summaries = movie_summaries(movie_id for movie_id, _ in ranked)
    return [{**summaries[movie_id], "score": score} for movie_id, score in ranked if movie_id in summaries]
