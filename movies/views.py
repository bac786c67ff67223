from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from core.caching import cache_public_read
from core.pagination import MAX_PAGE_SIZE
from core.permissions import IsAdminOrReadOnly
from movies import selectors, services
from movies.filters import GenreFilter, MovieFilter
from movies.models import Genre
from movies.serializers import GenreDetailSerializer, GenreSerializer, MovieDetailSerializer, MovieSerializer


@extend_schema_view(
    list=extend_schema(tags=["movies"]),
    retrieve=extend_schema(tags=["movies"]),
    create=extend_schema(tags=["movies"]),
    update=extend_schema(tags=["movies"]),
    partial_update=extend_schema(tags=["movies"]),
    destroy=extend_schema(tags=["movies"]),
)
class MovieViewSet(viewsets.ModelViewSet):
    """The catalogue. Anyone reads; only admins write (and search, import and sync from TMDB)."""

    queryset = selectors.movie_list()
    permission_classes = [IsAdminOrReadOnly]
    filterset_class = MovieFilter
    ordering_fields = ["title", "release_date", "avg_rating", "review_count", "created_at"]
    lookup_value_regex = r"\d+"

    @property
    def ordering(self) -> list[str] | None:
        """The order without ``?ordering=``: a search's results keep their ranking (the filter orders them), any
        other list shows the newest first."""
        searching = self.request is not None and self.request.query_params.get("search", "").strip()
        return None if searching else ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.movie_list_rows() if self.action == "list" else super().get_queryset()

    def paginate_queryset(self, queryset):
        return selectors.with_genre_summaries(super().paginate_queryset(queryset) or [])

    @cache_public_read
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @cache_public_read
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        # Filters and ordering shape lists; on a single movie they would only cost time.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return MovieDetailSerializer if self.action == "retrieve" else MovieSerializer


PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page of the genre's movies."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        description=f"Movies per page (1-{MAX_PAGE_SIZE}).",
    ),
]


@extend_schema_view(
    list=extend_schema(tags=["genres"]),
    retrieve=extend_schema(tags=["genres"], parameters=PAGE_PARAMETERS, responses=GenreDetailSerializer),
    create=extend_schema(tags=["genres"]),
    update=extend_schema(tags=["genres"]),
    partial_update=extend_schema(tags=["genres"]),
    destroy=extend_schema(tags=["genres"], description="Delete a genre; its movies stay."),
)
class GenreViewSet(viewsets.ModelViewSet):
    """Genres with catalogue statistics. Anyone reads; only admins write."""

    queryset = Genre.objects.all()
    serializer_class = GenreSerializer
    permission_classes = [IsAdminOrReadOnly]
    filterset_class = GenreFilter
    ordering_fields = ["name", "movie_count", "review_count", "avg_rating", "created_at"]
    ordering = ["name"]
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return selectors.genre_list_with_stats()

    @cache_public_read
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @cache_public_read
    def retrieve(self, request, *args, **kwargs):
        genre = self.get_object()
        movies = selectors.with_genre_summaries(self.paginate_queryset(selectors.genre_movies(genre)) or [])
        page = self.get_paginated_response(MovieSerializer(movies, many=True).data).data
        return Response(GenreDetailSerializer(genre, context={"movies_page": page}).data)

    def filter_queryset(self, queryset):
        # Filters and ordering shape the list; on a single genre they would only cost time.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def perform_create(self, serializer):
        self._save_with_stats(serializer)

    def perform_update(self, serializer):
        self._save_with_stats(serializer)

    def _save_with_stats(self, serializer) -> None:
        genre = serializer.save()
        services.genre_stats_refresh()
        genre.refresh_from_db()
