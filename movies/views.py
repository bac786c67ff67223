from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action

from core.filters import StrictOrderingFilter
from core.permissions import IsAdminOrReadOnly
from movies import selectors
from movies.filters import MovieFilter
from movies.serializers import MovieDetailSerializer, MovieSerializer
from recommendations.caching import bump_generation
from reviews.filters import REVIEW_ORDERING_FIELDS
from reviews.serializers import ReviewSerializer


@extend_schema_view(
    list=extend_schema(tags=["movies"]),
    retrieve=extend_schema(tags=["movies"]),
    create=extend_schema(tags=["movies"]),
    update=extend_schema(tags=["movies"]),
    partial_update=extend_schema(tags=["movies"]),
    destroy=extend_schema(tags=["movies"]),
)
class MovieViewSet(viewsets.ModelViewSet):
    """The catalogue. Anyone reads; only admins write."""

    queryset = selectors.movie_list()
    permission_classes = [IsAdminOrReadOnly]
    filterset_class = MovieFilter
    ordering_fields = ["title", "release_date", "avg_rating", "review_count", "created_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if self.action == "reviews":
            return ReviewSerializer
        return MovieDetailSerializer if self.action == "retrieve" else MovieSerializer

    # Recommendation lists embed movies and are cached per generation: a catalogue write must start a new
    # generation, or a deleted movie stays listed (and a new one missing) until the cache expires.
    def perform_create(self, serializer):
        serializer.save()
        transaction.on_commit(bump_generation)

    def perform_update(self, serializer):
        serializer.save()
        transaction.on_commit(bump_generation)

    def perform_destroy(self, instance):
        instance.delete()
        transaction.on_commit(bump_generation)

    @extend_schema(tags=["movies"], responses=ReviewSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        filterset_class=None,
        filter_backends=[StrictOrderingFilter],
        ordering_fields=REVIEW_ORDERING_FIELDS,
        serializer_class=ReviewSerializer,
    )
    def reviews(self, request, pk=None):
        """This movie's reviews, newest first."""
        movie = get_object_or_404(selectors.movie_list(), pk=pk)
        queryset = self.filter_queryset(selectors.movie_reviews(movie))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
