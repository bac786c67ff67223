"""Similar movies: a movie's stored content neighbours, closest first."""

from django.contrib.auth.models import AbstractBaseUser

from core.caching import cached
from movies.models import Movie
from recommendations.models import SimilarMovie
from recommendations.selectors.common import CATALOGUE_SECONDS, cached_user_history, scored_rows, served_version


def similar_movies(*, movie_id: int, user: AbstractBaseUser | None, limit: int) -> list[dict] | None:
    """The movie's neighbours minus what the user watched, reviewed, liked, listed or dismissed; None when there is
    no such movie."""
    version = served_version()
    neighbours = cached(f"similar:{version}:{movie_id}", lambda: _neighbours(movie_id, version), CATALOGUE_SECONDS)
    if not neighbours["found"]:
        return None
    ranked = neighbours["ranked"]
    if user is not None:
        left_out = cached_user_history(user.pk).left_out()
        ranked = [pair for pair in ranked if pair[0] not in left_out]
    return scored_rows(ranked[:limit])


def _neighbours(movie_id: int, version: int) -> dict:
    ranked = list(
        SimilarMovie.objects.filter(version_id=version, movie_id=movie_id)
        .order_by("rank")
        .values_list("neighbour_id", "score")
    )
    found = bool(ranked) or Movie.objects.filter(pk=movie_id).exists()
    return {"found": found, "ranked": ranked}
