"""The taste profile: what a user's reviews, likes and viewings say about their taste.

Favourites come from the films they rated highly or liked (a like weighs like a high rating); decades count
every film they reviewed, liked, logged or marked watched; the rating figures come from reviews alone.
"""

import datetime
from collections import Counter
from datetime import UTC
from typing import Any

from django.utils import timezone

from accounts.models import User
from activity.models import DiaryEntry, MovieLike, WatchedMark
from core.caching import cached
from movies.models import Movie
from movies.ratings import rating_distribution, rating_key
from recommendations.builders import DOCUMENT_CAST, names_in
from recommendations.selectors.common import list_cache_seconds
from recommendations.selectors.popular import catalogue_mean_rating
from reviews.models import Review

HIGH_RATING = 4
COLUMNS = ("rating", "created_at", "movie_id", "movie__release_date", "movie__avg_rating", "movie__directors")
PEOPLE = ("movie__directors", "movie__cast")


def taste_profile(*, user: User, limit: int) -> dict:
    return cached(f"taste:{user.pk}:{limit}", lambda: _taste_profile(user, limit), list_cache_seconds())


def _taste_profile(user: User, limit: int) -> dict:
    reviews = list(Review.objects.filter(user=user).values_list(*COLUMNS, "movie__cast"))
    favourites = {review[2]: (review[5], review[6]) for review in reviews if review[0] >= HIGH_RATING}
    for movie_id, *people in MovieLike.objects.filter(user=user).values_list("movie_id", *PEOPLE):
        favourites.setdefault(movie_id, tuple(people))
    ratings = [review[0] for review in reviews]
    directors = Counter(name for crew, _ in favourites.values() for name in names_in(crew))
    actors = Counter(name for _, cast in favourites.values() for name in names_in(cast)[:DOCUMENT_CAST])
    return {
        "favourite_genres": _favourite_genres(list(favourites), limit),
        "favourite_directors": _people(directors, limit),
        "favourite_actors": _people(actors, limit),
        "average_rating_given": _mean(ratings),
        "community_average_rating": catalogue_mean_rating() or None,
        "community_average_for_same_movies": _mean([review[4] for review in reviews]),
        "rating_distribution": rating_distribution(Counter(rating_key(rating) for rating in ratings)),
        "decades": _decades(reviews, _unrated_films(user, {review[2] for review in reviews})),
        "activity": _activity(reviews),
    }


def _activity(reviews: list[tuple]) -> dict[str, Any]:
    month_start = timezone.now().astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {
        "total_reviews": len(reviews),
        "last_review_at": max((review[1] for review in reviews), default=None),
        "reviews_this_month": sum(review[1] >= month_start for review in reviews),
    }


def _favourite_genres(movie_ids: list[int], limit: int) -> list[dict]:
    if not movie_ids:
        return []
    counts: Counter[int] = Counter()
    genres = {}
    links = Movie.genres.through.objects.filter(movie_id__in=movie_ids).values_list(
        "genre_id", "genre__name", "genre__slug"
    )
    for genre_id, name, slug in links:
        counts[genre_id] += 1
        genres[genre_id] = {"id": genre_id, "name": name, "slug": slug}
    ranked = sorted(counts, key=lambda genre_id: (-counts[genre_id], genres[genre_id]["name"]))[:limit]
    return [{**genres[genre_id], "count": counts[genre_id]} for genre_id in ranked]


def _people(counts: Counter[str], limit: int) -> list[dict]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [{"name": name, "count": count} for name, count in ranked]


def _unrated_films(user: User, reviewed: set[int]) -> list[datetime.date | None]:
    """Release dates of the films the user liked, logged or marked watched without reviewing them."""
    parts = [
        model._default_manager.filter(user=user).order_by().values_list("movie_id", "movie__release_date")
        for model in (MovieLike, DiaryEntry, WatchedMark)
    ]
    return [released for movie_id, released in parts[0].union(*parts[1:]) if movie_id not in reviewed]


def _decades(reviews: list[tuple], unrated: list[datetime.date | None]) -> list[dict]:
    """Films by decade of release: how many, and the mean rating of those reviewed (None if none was)."""
    counts: Counter[int] = Counter()
    ratings: dict[int, list[float]] = {}
    for released, rating in [(review[3], review[0]) for review in reviews] + [(date, None) for date in unrated]:
        if released is not None:
            decade = released.year // 10 * 10
            counts[decade] += 1
            ratings.setdefault(decade, []).extend([] if rating is None else [rating])
    return [
        {"decade": decade, "count": counts[decade], "average_rating": _mean(ratings[decade])}
        for decade in sorted(counts)
    ]


def _mean(values: list) -> float | None:
    return float(sum(values) / len(values)) if values else None
