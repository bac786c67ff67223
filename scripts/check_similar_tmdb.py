"""Do "similar movies" make sense on real metadata? Load the TMDB 5000 bodies into a scratch SQLite database,
build the recommender, and check that sequels and franchise entries are among each other's top 10.

    python scripts/check_similar_tmdb.py [--data ../shared/data/tmdb-5000/movies.jsonl] [--show 10]

Movies are created straight from the JSONL (parsed with imports.tmdb.types.MovieDetails, as the TMDB importer does),
so the check needs no network and no TMDB credentials. Exits 1 when an expected pair is missing.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Each title's top 10 should hold at least one of the others in its group.
FRANCHISES = [
    ["The Dark Knight", "Batman Begins", "The Dark Knight Rises"],
    ["Toy Story", "Toy Story 2", "Toy Story 3"],
    [
        "Harry Potter and the Philosopher's Stone",
        "Harry Potter and the Chamber of Secrets",
        "Harry Potter and the Prisoner of Azkaban",
        "Harry Potter and the Goblet of Fire",
        "Harry Potter and the Order of the Phoenix",
        "Harry Potter and the Half-Blood Prince",
    ],
    [
        "Pirates of the Caribbean: The Curse of the Black Pearl",
        "Pirates of the Caribbean: Dead Man's Chest",
        "Pirates of the Caribbean: At World's End",
        "Pirates of the Caribbean: On Stranger Tides",
    ],
    [
        "The Lord of the Rings: The Fellowship of the Ring",
        "The Lord of the Rings: The Two Towers",
        "The Lord of the Rings: The Return of the King",
    ],
    ["Iron Man", "Iron Man 2", "Iron Man 3"],
    ["Shrek", "Shrek 2", "Shrek the Third", "Shrek Forever After"],
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "tmdb-5000" / "movies.jsonl")
    parser.add_argument("--show", type=int, default=10, help="neighbours printed per checked title")
    return parser.parse_args()


def load_movies(path: Path) -> int:
    from imports.tmdb.types import MovieDetails
    from movies.models import Movie
    from movies.services import genres_get_or_create, movie_genres_link

    details = [MovieDetails.from_api(json.loads(line)) for line in path.open(encoding="utf-8") if line.strip()]
    genres = genres_get_or_create(genre.name for movie in details for genre in movie.genres)
    movies = Movie.objects.bulk_create(
        Movie(
            tmdb_id=movie.id,
            title=movie.title,
            description=movie.overview,
            release_date=movie.release_date,
            keywords=list(movie.keywords),
            cast=list(movie.cast),
            directors=list(movie.directors),
        )
        for movie in details
    )
    movie_genres_link(
        {
            created.pk: [genres[genre.name.casefold()] for genre in movie.genres]
            for created, movie in zip(movies, details, strict=True)
        }
    )
    return len(movies)


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="flix-tmdb-check-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(workdir / "tmdb.sqlite3"),
        RECOMMENDER_MODEL_DIR=str(workdir / "models"),
        LOG_LEVEL="WARNING",
    )
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    from recommendations.services import recommendations_build

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    count = load_movies(args.data)
    print(f"loaded {count:,} TMDB movies in {time.perf_counter() - started:.1f} s")
    result = recommendations_build()
    print(f"build_recommendations: {result.version.build_seconds:.2f} s ({result.stats.seconds})")
    missing = titles_without_franchise_neighbours(result.version, show=args.show)
    print("\nevery checked title has a franchise entry in its top 10" if not missing else f"\nmissing: {missing}")
    return 1 if missing else 0


def titles_without_franchise_neighbours(version, *, show: int) -> list[str]:
    """Print each checked title's top neighbours; return the titles with none of their franchise in the top 10."""
    from movies.models import Movie
    from recommendations.models import SimilarMovie

    titles = dict(Movie.objects.values_list("pk", "title"))
    by_title = {title: pk for pk, title in titles.items()}
    missing = []
    for group in FRANCHISES:
        for title in group:
            if title not in by_title:
                print(f"  (not in the data: {title})")
                continue
            neighbours = list(
                SimilarMovie.objects.filter(version=version, movie_id=by_title[title])
                .order_by("rank")
                .values_list("neighbour_id", "score")[:10]
            )
            names = [titles[neighbour] for neighbour, _ in neighbours]
            hits = [name for name in names if name in group and name != title]
            print(f"\n{title}: {len(hits)} of its franchise in the top 10")
            for rank, (neighbour, score) in enumerate(neighbours[:show], 1):
                mark = "*" if titles[neighbour] in group else " "
                print(f"  {rank:2d}. {mark} {titles[neighbour]} ({score:.3f})")
            if not hits:
                missing.append(title)
    return missing


if __name__ == "__main__":
    sys.exit(main())
