"""Turn each movie's comma-separated `genre` text into Genre rows and links, and back."""

import re

from django.db import migrations
from django.utils.text import slugify

SEPARATORS = re.compile(r"[,|]")
NAME_MAX_LENGTH = 50
SLUG_MAX_LENGTH = 60


def split_genre_text(text: str) -> list[str]:
    """ "Action, Sci-Fi" / "Comedy|Romance" / " drama ,Drama" -> names, trimmed, empties skipped."""
    names = (" ".join(part.split()) for part in SEPARATORS.split(text or ""))
    return [name[:NAME_MAX_LENGTH] for name in names if name]


def preferred_spelling(current: str | None, candidate: str) -> str:
    """Among spellings that differ only in case, keep the first capitalised one ("Drama", not "drama")."""
    if current is None:
        return candidate if candidate[:1].isupper() else candidate[:1].upper() + candidate[1:]
    if not current[:1].isupper() and candidate[:1].isupper():
        return candidate
    return current


def unique_slug(name: str, taken: set[str]) -> str:
    base = (slugify(name) or "genre")[: SLUG_MAX_LENGTH - 4]
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    return slug


def text_to_genres(apps, schema_editor):
    Movie = apps.get_model("movies", "Movie")
    Genre = apps.get_model("movies", "Genre")
    Link = Movie.genres.through

    movie_keys: dict[int, list[str]] = {}
    spellings: dict[str, str] = {}
    for movie_id, text in Movie.objects.values_list("pk", "genre").iterator():
        keys = []
        for name in split_genre_text(text):
            key = name.casefold()
            spellings[key] = preferred_spelling(spellings.get(key), name)
            if key not in keys:
                keys.append(key)
        movie_keys[movie_id] = keys

    existing = {genre.name.casefold(): genre for genre in Genre.objects.all()}
    taken_slugs = set(Genre.objects.values_list("slug", flat=True))
    Genre.objects.bulk_create(
        [
            Genre(name=spellings[key], slug=unique_slug(spellings[key], taken_slugs))
            for key in sorted(spellings)
            if key not in existing
        ]
    )
    genre_ids = {genre.name.casefold(): genre.pk for genre in Genre.objects.all()}
    Link.objects.bulk_create(
        [Link(movie_id=movie_id, genre_id=genre_ids[key]) for movie_id, keys in movie_keys.items() for key in keys],
        batch_size=1000,
        ignore_conflicts=True,
    )


def genres_to_text(apps, schema_editor):
    Movie = apps.get_model("movies", "Movie")
    Link = Movie.genres.through
    names: dict[int, list[str]] = {}
    for movie_id, name in Link.objects.order_by("genre__name").values_list("movie_id", "genre__name"):
        names.setdefault(movie_id, []).append(name)
    movies = list(Movie.objects.filter(pk__in=names).only("pk"))
    for movie in movies:
        movie.genre = ", ".join(names[movie.pk])[:255]
    Movie.objects.bulk_update(movies, ["genre"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("movies", "0002_genre"),
    ]

    operations = [
        migrations.RunPython(text_to_genres, genres_to_text),
    ]
