from collections.abc import Iterable

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from movies.models import Genre, Movie

# Columns only the detail page or the importers use; list rows skip loading them.
DETAIL_ONLY_FIELDS = (
    "keywords",
    "cast",
    "directors",
    "poster_path",
    "backdrop_path",
    "poster_file",
    "tmdb_synced_at",
    "rating_distribution",
)
# What a movie in someone else's list shows (MovieSummarySerializer).
SUMMARY_FIELDS = ("id", "title", "release_date", "poster_url", "avg_rating", "review_count")


def _with_genre_summaries(movies: QuerySet[Movie]) -> QuerySet[Movie]:
    return movies.prefetch_related(Prefetch("genres", queryset=Genre.objects.only("id", "name", "slug")))


def movie_list() -> QuerySet[Movie]:
    return _with_genre_summaries(Movie.objects.all())


def movie_list_rows() -> QuerySet[Movie]:
    return _with_genre_summaries(Movie.objects.defer(*DETAIL_ONLY_FIELDS))


def movie_summary_rows() -> QuerySet[Movie]:
    """Movies with what a summary shows (MovieSummarySerializer) and nothing else."""
    return _with_genre_summaries(Movie.objects.only(*SUMMARY_FIELDS))


def movie_summaries(movie_ids: Iterable[int]) -> QuerySet[Movie]:
    """The movies among ``movie_ids`` that exist, as summaries."""
    return movie_summary_rows().filter(pk__in=list(movie_ids)).order_by()


def genre_list_with_stats() -> QuerySet[Genre]:
    """Genres with movie_count, review_count (over their movies) and avg_rating (mean of rated movies)."""
    return Genre.objects.annotate(
        movie_count=Count("movies"),
        review_count=Coalesce(Sum("movies__review_count"), 0),
        avg_rating=Avg("movies__avg_rating", filter=Q(movies__review_count__gt=0)),
    )


def genre_movies(genre: Genre) -> QuerySet[Movie]:
    return _with_genre_summaries(genre.movies.defer(*DETAIL_ONLY_FIELDS)).order_by("-review_count", "title", "pk")
