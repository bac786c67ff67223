"""For you: hybrid picks from the user's reviews, then popular movies in their preferred genres, then popular ones."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from core.caching import cached
from movies.models import Movie
from recommendations.artefacts import ServedModel
from recommendations.selectors.common import cached_user_history, list_cache_seconds, movie_summaries, served_version
from recommendations.selectors.popular import POPULARITY_ORDER
from recommendations.serving import Pick, UserHistory, personal_picks, served_model

POPULAR_WITH_EVERYONE = "popular with everyone"
NOT_BUILT_NOTE = " (personal recommendations are not built yet)"


@dataclass(frozen=True)
class Entry:
    """One line of a for-you list."""

    movie_id: int
    score: float | None
    reason: str


def for_you(*, user: AbstractBaseUser, limit: int) -> list[dict]:
    key = f"for-you:{served_version()}:{user.pk}:{limit}"
    return cached(key, lambda: _for_you(user, served_model(), limit), list_cache_seconds())


def _for_you(user: AbstractBaseUser, model: ServedModel | None, limit: int) -> list[dict]:
    history = cached_user_history(user.pk)
    picks = personal_picks(model, history, limit=limit) if model is not None and len(history) else []
    summaries = movie_summaries(movie_id for pick in picks for movie_id in (pick.movie_id, *pick.because))
    titles = {movie_id: row["title"] for movie_id, row in summaries.items()}
    entries = for_you_entries(user, model, history, picks, limit=limit, titles=titles)
    summaries.update(movie_summaries(entry.movie_id for entry in entries if entry.movie_id not in summaries))
    return [
        {**summaries[entry.movie_id], "score": entry.score, "reason": entry.reason}
        for entry in entries
        if entry.movie_id in summaries
    ]


def for_you_entries(
    user: AbstractBaseUser | None,
    model: ServedModel | None,
    history: UserHistory,
    picks: list[Pick],
    *,
    limit: int,
    titles: dict[int, str],
) -> list[Entry]:
    """The picks with their reasons, topped up from popularity to ``limit``.

    ``titles`` holds the title of every picked or reason movie that still exists: picks of movies deleted since
    the build are dropped.
    """
    entries = [Entry(pick.movie_id, pick.score, pick.reason(titles)) for pick in picks if pick.movie_id in titles]
    if len(entries) < limit:
        note = NOT_BUILT_NOTE if model is None and len(history) else ""
        taken = history.left_out() | {pick.movie_id for pick in picks}
        entries += popular_entries(user=user, exclude=taken, limit=limit - len(entries), note=note)
    return entries


def popular_entries(*, user: AbstractBaseUser | None, exclude: set[int], limit: int, note: str = "") -> list[Entry]:
    """Most-reviewed movies in the user's preferred genres ("popular in <genre>"), then overall."""
    entries = _popular_in_preferred_genres(user, exclude, limit, note) if user is not None else []
    if len(entries) < limit:
        taken = exclude | {entry.movie_id for entry in entries}
        popular = Movie.objects.exclude(pk__in=taken).order_by(*POPULARITY_ORDER).values_list("pk", flat=True)
        entries += [Entry(movie_id, None, POPULAR_WITH_EVERYONE + note) for movie_id in popular[: limit - len(entries)]]
    return entries


def _popular_in_preferred_genres(user: AbstractBaseUser, exclude: set[int], limit: int, note: str) -> list[Entry]:
    preferred = list(user.preferred_genres.values_list("pk", flat=True))  # type: ignore[attr-defined]
    if not preferred:
        return []
    links = (
        Movie.genres.through.objects.filter(genre_id__in=preferred)
        .exclude(movie_id__in=exclude)
        .order_by("-movie__review_count", "-movie__avg_rating", "movie_id", "genre__name")
        .values_list("movie_id", "genre__name")
    )
    genre_of: dict[int, str] = {}
    for movie_id, genre_name in links[: limit * len(preferred)]:
        genre_of.setdefault(movie_id, genre_name)
    return [Entry(movie_id, None, f"popular in {genre}{note}") for movie_id, genre in genre_of.items()][:limit]
