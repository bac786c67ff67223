"""Catalogue writes that span models."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from movies.models import Genre, Movie

GENRE_NAME_MAX_LENGTH = Genre._meta.get_field("name").max_length


def unique_genre_slug(name: str, taken: set[str] | None = None) -> str:
    """A slug for `name` that is not in `taken` (default: the slugs already in the database)."""
    if taken is None:
        taken = set(Genre.objects.values_list("slug", flat=True))
    base = (slugify(name) or "genre")[:50]
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    return slug


def genres_get_or_create(names: Iterable[str]) -> dict[str, Genre]:
    """The Genre for each name, created on first sight; keyed by the name casefolded.

    Names that differ only in case are one genre ("action" and "Action").
    """
    wanted: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())[:GENRE_NAME_MAX_LENGTH]
        if name:
            wanted.setdefault(name.casefold(), name)
    if not wanted:
        return {}
    existing = {genre.name.casefold(): genre for genre in Genre.objects.all()}
    missing = [name for key, name in wanted.items() if key not in existing]
    if missing:
        taken = set(Genre.objects.values_list("slug", flat=True))
        Genre.objects.bulk_create(
            [Genre(name=name, slug=unique_genre_slug(name, taken)) for name in missing], ignore_conflicts=True
        )
        existing = {genre.name.casefold(): genre for genre in Genre.objects.all()}
    return {key: existing[key] for key in wanted}


@transaction.atomic
def movie_genres_link(links: dict[int, Iterable[Genre]]) -> None:
    """Add genres to many movies at once ({movie pk: genres}); existing links are kept."""
    through = Movie.genres.through
    through.objects.bulk_create(
        [through(movie_id=movie_id, genre_id=genre.pk) for movie_id, genres in links.items() for genre in genres],
        batch_size=1000,
        ignore_conflicts=True,
    )


def genre_stats_refresh() -> None:
    """Count each genre's films and their reviews again, and average the ratings of its rated films."""
    genre = Genre.objects.filter(pk=OuterRef("pk")).order_by()
    Genre.objects.update(
        movie_count=Subquery(genre.annotate(n=Count("movies")).values("n")),
        review_count=Subquery(genre.annotate(n=Coalesce(Sum("movies__review_count"), 0)).values("n")),
        avg_rating=Subquery(
            genre.annotate(mean=Avg("movies__avg_rating", filter=Q(movies__review_count__gt=0))).values("mean")
        ),
        stats_at=timezone.now(),
    )


def genre_stats_fresh() -> None:
    """Refresh the genres' figures if any is older than POPULAR_FIGURES_REFRESH_SECONDS (beat keeps them younger;
    0 refreshes them for every read)."""
    max_age = settings.POPULAR_FIGURES_REFRESH_SECONDS
    cutoff = timezone.now() - timedelta(seconds=max_age)
    if max_age == 0 or Genre.objects.filter(Q(stats_at__lt=cutoff) | Q(stats_at=None)).exists():
        genre_stats_refresh()
