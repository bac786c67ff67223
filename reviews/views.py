import functools
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.caching import cache_public_read
from core.filters import BIGINT_MAX, StrictOrderingFilter
from core.permissions import IsAdminOrReadOnly
from core.throttling import SOCIAL_WRITE_THROTTLES
from follows.selectors import has_blocks
from movies.models import Movie
from reviews import selectors, services
from reviews.filters import REVIEW_ORDERING_FIELDS, ReviewFilter
from reviews.models import Review
from reviews.permissions import IsAuthorOrAdminCanDelete
from reviews.serializers import ReviewCreateSerializer, ReviewLikeSerializer, ReviewSerializer, ReviewUpdateSerializer


def shared_unless_blocks(handler: Callable[..., Response]) -> Callable[..., Response]:
    """For review lists: anonymous callers and members with no block either way share the cached public answer
    (for them it is the same); a member who blocked someone or was blocked gets theirs computed afresh, without the
    other side's reviews, and neither read from nor stored in the shared cache."""
    shared = cache_public_read(handler)

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        if has_blocks(request.user):
            view.listing_viewer = request.user
            return handler(view, request, *args, **kwargs)
        return shared(view, request, *args, **kwargs)

    return wrapper


class BlockAwareListing:
    # Set by shared_unless_blocks for a member with blocks; None: the public list, the same for everyone.
    listing_viewer = None

    def listed_reviews(self) -> QuerySet[Review]:
        if self.listing_viewer is None:
            return selectors.public_reviews()
        return selectors.reviews_listed_for(self.listing_viewer)


# Query parameters that leave the public list's count as it is.
UNFILTERING_PARAMETERS = {"page", "page_size", "ordering", "format"}


@extend_schema_view(
    list=extend_schema(tags=["reviews"]),
    retrieve=extend_schema(tags=["reviews"]),
    create=extend_schema(tags=["reviews"], request=ReviewCreateSerializer, responses={201: ReviewSerializer}),
    update=extend_schema(tags=["reviews"], request=ReviewUpdateSerializer, responses=ReviewSerializer),
    partial_update=extend_schema(tags=["reviews"], request=ReviewUpdateSerializer, responses=ReviewSerializer),
    destroy=extend_schema(tags=["reviews"]),
)
class ReviewViewSet(BlockAwareListing, viewsets.ModelViewSet):
    """Hidden reviews are left out of the list and are a 404 to everyone but their author and admins."""

    queryset = selectors.public_reviews()
    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsAuthorOrAdminCanDelete]
    filterset_class = ReviewFilter
    ordering_fields = REVIEW_ORDERING_FIELDS
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"
    # True while the shared (cached) answer is computed: then only public reviews are found.
    public_only = False

    def get_queryset(self) -> QuerySet[Review]:
        if self.action == "list":
            return self.listed_reviews()
        if self.public_only:
            return selectors.public_reviews()
        return selectors.reviews_visible_to(self.request.user)

    @shared_unless_blocks
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def known_count(self, queryset: QuerySet[Review]) -> int | None:
        """The public list unfiltered is counted from maintained figures; any other list by its rows."""
        if self.listing_viewer is None and not set(self.request.query_params) - UNFILTERING_PARAMETERS:
            return selectors.public_review_count()
        return None

    def retrieve(self, request, *args, **kwargs):
        try:
            return self._retrieve_public(request, *args, **kwargs)
        except Http404:
            if not request.user.is_authenticated:
                raise
        # Hidden from the public: its author and admins still open it, but never through the shared cache.
        return super().retrieve(request, *args, **kwargs)

    @cache_public_read
    def _retrieve_public(self, request, *args, **kwargs):
        self.public_only = True
        try:
            return super().retrieve(request, *args, **kwargs)
        finally:
            self.public_only = False

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
    @action(
        detail=True,
        methods=["put", "delete"],
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=SOCIAL_WRITE_THROTTLES,
    )
    def like(self, request, pk=None):
        """Like someone else's review (201, then 200 when you already did); DELETE takes the like back (204)."""
        review = self.get_object()
        if request.method == "DELETE":
            services.review_unlike(user=request.user, review=review)
            return Response(status=status.HTTP_204_NO_CONTENT)
        created = services.review_like(user=request.user, review=review)
        like_count = selectors.review_count_now(review.pk, "like_count")
        body = ReviewLikeSerializer({"review": review.pk, "like_count": like_count}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(get=extend_schema(tags=["movies"]))
class MovieReviewsView(BlockAwareListing, generics.ListAPIView):
    """This movie's reviews, newest first (hidden ones and, for a member, those of the other side of a block left
    out)."""

    serializer_class = ReviewSerializer
    permission_classes = [IsAdminOrReadOnly]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = REVIEW_ORDERING_FIELDS
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        movie_id = int(self.kwargs["pk"])
        if movie_id > BIGINT_MAX or not Movie.objects.filter(pk=movie_id).exists():
            raise Http404("No Movie matches the given query.")
        return self.listed_reviews().filter(movie_id=movie_id)

    @shared_unless_blocks
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
