"""Popularity lists: the same for everyone."""

import functools
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, ExpressionWrapper, F, FloatField, Sum, Value
from django.utils import timezone

from core.caching import cached
from movies.models import Movie
from recommendations.models import PopularList
from recommendations.selectors.common import (
    CATALOGUE_SECONDS,
    MAX_LIST_LENGTH,
    Ranked,
    list_cache_seconds,
    scored_rows,
)
from reviews.models import Review

# How many "average" votes a movie's score is pulled towards the global mean by.
TOP_RATED_PRIOR_WEIGHT = 10
POPULARITY_ORDER = ("-review_count", "-avg_rating", "pk")
TRENDING_DAYS = 7
# The site's home page shows a month's trending films.
HOME_TRENDING_DAYS = 30
# The lists beat keeps fresh: those the home page, the dashboard and the defaults of the endpoints show. Another
# window of days is ranked when a read first asks for it, and again when a read finds it stale.
KEPT_FRESH = ("top-rated", f"trending:{TRENDING_DAYS}", f"trending:{HOME_TRENDING_DAYS}", "most-reviewed", "recent")


def global_mean_rating() -> float:
    totals = Movie.objects.filter(review_count__gt=0).aggregate(
        weighted=Sum(F("avg_rating") * F("review_count"), output_field=FloatField()), count=Sum("review_count")
    )
    return (totals["weighted"] or 0.0) / totals["count"] if totals["count"] else 0.0


def catalogue_mean_rating() -> float:
    """Mean of every review (reading it scans every movie row: about 30 ms at 20,000 movies)."""
    return cached("catalogue-mean", global_mean_rating, CATALOGUE_SECONDS)


def damped_mean() -> ExpressionWrapper:
    """A movie's mean rating pulled towards the catalogue's by TOP_RATED_PRIOR_WEIGHT average votes (a Bayesian
    mean): a single 5-star review cannot outrank hundreds of 4.5s."""
    prior = Value(TOP_RATED_PRIOR_WEIGHT * catalogue_mean_rating())
    weight = Value(float(TOP_RATED_PRIOR_WEIGHT))
    return ExpressionWrapper(
        (prior + F("avg_rating") * F("review_count")) / (weight + F("review_count")), output_field=FloatField()
    )


def top_rated(*, limit: int) -> list[dict]:
    return _listed("top-rated", limit)


def trending(*, days: int, limit: int) -> list[dict]:
    """Most reviews in the last `days` days."""
    return _listed(f"trending:{days}", limit)


def most_reviewed(*, limit: int) -> list[dict]:
    return _listed("most-reviewed", limit)


def recently_added(*, limit: int) -> list[dict]:
    return _listed("recent", limit)


def _listed(key: str, limit: int) -> list[dict]:
    return cached(f"{key}:{limit}", lambda: scored_rows(popular_ranked(key, limit)), list_cache_seconds())


# --- Ranking the catalogue, and the stored rankings -------------------------------------------------------------


def rank_top_rated(limit: int) -> Ranked:
    ranked = (
        Movie.objects.filter(review_count__gt=0)
        .annotate(score=damped_mean())
        .order_by("-score", "-review_count", "pk")
        .values_list("pk", "score")[:limit]
    )
    return [(movie_id, float(score)) for movie_id, score in ranked]


def rank_trending(days: int, limit: int) -> Ranked:
    since = timezone.now() - timedelta(days=days)
    counts = (
        Review.objects.filter(created_at__gte=since)
        .values("movie_id")
        .annotate(recent=Count("pk"))
        .order_by("-recent", "movie_id")
        .values_list("movie_id", "recent")[:limit]
    )
    return [(movie_id, float(recent)) for movie_id, recent in counts]


def rank_most_reviewed(limit: int) -> Ranked:
    ranked = Movie.objects.filter(review_count__gt=0).order_by(*POPULARITY_ORDER).values_list("pk", "review_count")
    return [(movie_id, float(count)) for movie_id, count in ranked[:limit]]


def rank_recently_added(limit: int) -> Ranked:
    return [
        (movie_id, None)
        for movie_id in Movie.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[:limit]
    ]


def ranking(key: str) -> Callable[[int], Ranked]:
    """How the list called ``key`` is ranked ("top-rated", "trending:<days>", "most-reviewed", "recent")."""
    name, _, days = key.partition(":")
    if name == "trending":
        return functools.partial(rank_trending, int(days))
    return {"top-rated": rank_top_rated, "most-reviewed": rank_most_reviewed, "recent": rank_recently_added}[name]


def popular_ranked(key: str, limit: int) -> Ranked:
    """The first ``limit`` of the list: as stored, while it is at most POPULAR_FIGURES_REFRESH_SECONDS old; else ranked
    now (and stored for the next reads)."""
    max_age = settings.POPULAR_FIGURES_REFRESH_SECONDS
    if max_age == 0:
        return ranking(key)(limit)
    fresh_since = timezone.now() - timedelta(seconds=max_age)
    stored = PopularList.objects.filter(key=key, computed_at__gte=fresh_since).values_list("ranked", flat=True)
    ranked = stored.first()
    if ranked is None:
        ranked = popular_list_refresh(key)
    return [(movie_id, score) for movie_id, score in ranked[:limit]]


def popular_list_refresh(key: str) -> list:
    """Rank the list again (as long as a caller may ask for) and store it."""
    ranked = [list(pair) for pair in ranking(key)(MAX_LIST_LENGTH)]
    PopularList.objects.update_or_create(key=key, defaults={"ranked": ranked, "computed_at": timezone.now()})
    return ranked
