from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.caching import cache_public_read
from core.filters import BIGINT_MAX, StrictOrderingFilter
from core.permissions import IsAdminOrReadOnly
from movies.models import Movie
from reviews import selectors, services
from reviews.filters import REVIEW_ORDERING_FIELDS, ReviewFilter
from reviews.permissions import IsAuthorOrAdminCanDelete
from reviews.serializers import ReviewCreateSerializer, ReviewLikeSerializer, ReviewSerializer, ReviewUpdateSerializer


@extend_schema_view(
    list=extend_schema(tags=["reviews"]),
    retrieve=extend_schema(tags=["reviews"]),
    create=extend_schema(tags=["reviews"], request=ReviewCreateSerializer, responses={201: ReviewSerializer}),
    update=extend_schema(tags=["reviews"], request=ReviewUpdateSerializer, responses=ReviewSerializer),
    partial_update=extend_schema(tags=["reviews"], request=ReviewUpdateSerializer, responses=ReviewSerializer),
    destroy=extend_schema(tags=["reviews"]),
)
class ReviewViewSet(viewsets.ModelViewSet):
    queryset = selectors.review_list()
    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsAuthorOrAdminCanDelete]
    filterset_class = ReviewFilter
    ordering_fields = REVIEW_ORDERING_FIELDS
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    @cache_public_read
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @cache_public_read
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = ReviewCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        review = services.review_create(user=request.user, **serializer.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        review = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = ReviewUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        review = services.review_update(review=review, **serializer.validated_data)
        return Response(ReviewSerializer(review).data)

    def destroy(self, request, *args, **kwargs):
        services.review_delete(review=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["PUT"],
        tags=["reviews"],
        request=None,
        responses={200: ReviewLikeSerializer, 201: ReviewLikeSerializer},
    )
    @extend_schema(methods=["DELETE"], tags=["reviews"], responses={204: None})
    @action(detail=True, methods=["put", "delete"], permission_classes=[permissions.IsAuthenticated])
    def like(self, request, pk=None):
        """Like someone else's review (201, then 200 when you already did); DELETE takes the like back (204)."""
        review = self.get_object()
        if request.method == "DELETE":
            services.review_unlike(user=request.user, review=review)
            return Response(status=status.HTTP_204_NO_CONTENT)
        created = services.review_like(user=request.user, review=review)
        review.refresh_from_db(fields=["like_count"])
        body = ReviewLikeSerializer({"review": review.pk, "like_count": review.like_count}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(get=extend_schema(tags=["movies"]))
class MovieReviewsView(generics.ListAPIView):
    """This movie's reviews, newest first."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAdminOrReadOnly]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = REVIEW_ORDERING_FIELDS
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        movie_id = int(self.kwargs["pk"])
        if movie_id > BIGINT_MAX or not Movie.objects.filter(pk=movie_id).exists():
            raise Http404("No Movie matches the given query.")
        return selectors.review_list().filter(movie_id=movie_id)

    @cache_public_read
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
