"""Catalogue writes that span models."""

from collections.abc import Iterable

from django.db import transaction
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
