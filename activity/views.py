from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import member
from activity import selectors, services
from activity.filters import DiaryFilter, WatchlistFilter
from activity.models import DiaryEntry, Dismissal, MovieLike, MovieMark, WatchedMark, WatchlistEntry
from activity.serializers import (
    DiaryEntryCreateSerializer,
    DiaryEntrySerializer,
    DiaryEntryUpdateSerializer,
    MarkedMovieSerializer,
    MarkSerializer,
    MemberProfileSerializer,
    MovieDetailWithViewerSerializer,
    MovieWithViewerSerializer,
    WatchlistItemSerializer,
)
from activity.viewer import with_viewer
from core.caching import cache_visitor_read
from core.filters import BIGINT_MAX, FilterBackend, StrictOrderingFilter
from core.throttling import SocialWriteRateThrottle
from movies.models import Movie
from movies.views import MovieViewSet as CatalogueMovieViewSet


def _validated(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def movie_or_404(movie_id: int) -> Movie:
    movie = Movie.objects.filter(pk=movie_id).only("pk").first() if movie_id <= BIGINT_MAX else None
    if movie is None:
        raise Http404("No Movie matches the given query.")
    return movie


@extend_schema_view(
    list=extend_schema(tags=["diary"]),
    create=extend_schema(tags=["diary"], request=DiaryEntryCreateSerializer),
    retrieve=extend_schema(tags=["diary"]),
    partial_update=extend_schema(tags=["diary"], request=DiaryEntryUpdateSerializer),
    destroy=extend_schema(tags=["diary"]),
)
class DiaryViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your diary: one entry per viewing. Only you see these entries here; others use your public diary."""

    serializer_class = DiaryEntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, StrictOrderingFilter]
    filterset_class = DiaryFilter
    ordering_fields = ["watched_on"]
    ordering = ["-watched_on", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[DiaryEntry]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DiaryEntry.objects.none()
        return selectors.diary_of(self.request.user)  # type: ignore[arg-type]

    def paginate_queryset(self, queryset):
        return selectors.with_movie_genres(super().paginate_queryset(queryset) or [])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = _validated(DiaryEntryCreateSerializer, request)
        entry = services.diary_entry_create(user=member(request), **fields)
        return Response(self._render(entry.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entry = self.get_object()
        fields = _validated(DiaryEntryUpdateSerializer, request)
        fields["clear_rating"] = "rating" in fields and fields["rating"] is None
        services.diary_entry_update(entry=entry, **fields)
        return Response(self._render(entry.pk))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.diary_entry_delete(entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _render(self, entry_id: int) -> dict:
        entry = selectors.with_movie_genres([self.get_queryset().get(pk=entry_id)])[0]
        return DiaryEntrySerializer(entry).data


class MemberDiaryView(generics.ListAPIView):
    """A member's diary, newest viewing first; a 404 if they keep it private (unless it is yours)."""

    serializer_class = DiaryEntrySerializer
    filter_backends = [FilterBackend, StrictOrderingFilter]
    filterset_class = DiaryFilter
    ordering_fields = ["watched_on"]
    ordering = ["-watched_on", "-id"]

    def get_queryset(self) -> QuerySet[DiaryEntry]:
        if getattr(self, "swagger_fake_view", False):
            return DiaryEntry.objects.none()
        member = selectors.member_visible(self.kwargs["username"], self.request.user, "diary")
        return selectors.diary_of(member)

    def paginate_queryset(self, queryset):
        return selectors.with_movie_genres(super().paginate_queryset(queryset) or [])

    @extend_schema(tags=["diary"])
    @cache_visitor_read
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _WatchlistListView(generics.ListAPIView):
    serializer_class = WatchlistItemSerializer
    filter_backends = [FilterBackend]
    filterset_class = WatchlistFilter

    def paginate_queryset(self, queryset):
        entries = selectors.with_movie_genres(super().paginate_queryset(queryset) or [])
        return selectors.with_watched_flags(self.owner(), entries)

    def get_queryset(self) -> QuerySet[WatchlistEntry]:
        if getattr(self, "swagger_fake_view", False):
            return WatchlistEntry.objects.none()
        return selectors.watchlist_of(self.owner())

    def owner(self):
        raise NotImplementedError


class WatchlistView(_WatchlistListView):
    """Your watchlist, most recently added first; each film says whether you have watched it since."""

    permission_classes = [permissions.IsAuthenticated]

    def owner(self):
        return self.request.user

    @extend_schema(tags=["watchlist"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MemberWatchlistView(_WatchlistListView):
    """A member's watchlist; a 404 if they keep it private (unless it is yours)."""

    def owner(self):
        if not hasattr(self, "_owner"):
            self._owner = selectors.member_visible(self.kwargs["username"], self.request.user, "watchlist")
        return self._owner

    @extend_schema(tags=["watchlist"])
    @cache_visitor_read
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MovieMarkView(APIView):
    """PUT puts the mark on (201, then 200 when it was already there), DELETE takes it off (204 either way)."""

    permission_classes = [permissions.IsAuthenticated]
    model: ClassVar[type[MovieMark]]

    def put(self, request: Request, movie_id: int) -> Response:
        mark, created = services.movie_mark(model=self.model, user=member(request), movie=movie_or_404(movie_id))
        return Response(MarkSerializer(mark).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def delete(self, request: Request, movie_id: int) -> Response:
        services.movie_unmark(model=self.model, user=member(request), movie=movie_or_404(movie_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _mark_schema(tag: str):
    return extend_schema_view(
        put=extend_schema(tags=[tag], request=None, responses={200: MarkSerializer, 201: MarkSerializer}),
        delete=extend_schema(tags=[tag], responses={204: None}),
    )


@_mark_schema("movies")
class WatchedView(MovieMarkView):
    """Mark a film seen, without a date (a logged or reviewed film counts as watched anyway)."""

    model = WatchedMark


@_mark_schema("movies")
class MovieLikeView(MovieMarkView):
    """Like a film."""

    model = MovieLike

    def get_throttles(self) -> list:
        return [*super().get_throttles(), SocialWriteRateThrottle()]


@_mark_schema("watchlist")
class WatchlistEntryView(MovieMarkView):
    """Add a film to your watchlist, or take it off. Watching it does not take it off."""

    model = WatchlistEntry


@_mark_schema("recommendations")
class DismissalView(MovieMarkView):
    """ "Not interested": the film is left out of your personal recommendations until you take this back."""

    model = Dismissal


class DismissedListView(generics.ListAPIView):
    """The films you said you are not interested in, most recent first."""

    serializer_class = MarkedMovieSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dismissal.objects.none()
        return selectors.marks_of(Dismissal, self.request.user)  # type: ignore[arg-type]

    def paginate_queryset(self, queryset):
        return selectors.with_movie_genres(super().paginate_queryset(queryset) or [])

    @extend_schema(tags=["recommendations"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MemberProfileView(APIView):
    """A member's public profile with their counts (a private diary or watchlist shows no count to others)."""

    @extend_schema(responses=MemberProfileSerializer, tags=["accounts"])
    @cache_visitor_read
    def get(self, request: Request, username: str) -> Response:
        member = selectors.member_visible(username, request.user)
        profile = MemberProfileSerializer(
            selectors.member_profile(member, request.user), context={"request": request}
        ).data
        return Response({**profile, "stats": selectors.member_stats(member, request.user)})


@extend_schema_view(
    list=extend_schema(tags=["movies"], responses=MovieWithViewerSerializer(many=True)),
    retrieve=extend_schema(tags=["movies"], responses=MovieDetailWithViewerSerializer),
)
class MovieViewSet(CatalogueMovieViewSet):
    """The catalogue; for a logged-in member each film also says what they did with it (``viewer``)."""

    def list(self, request, *args, **kwargs):
        return with_viewer(super().list(request, *args, **kwargs), request.user)

    def retrieve(self, request, *args, **kwargs):
        return with_viewer(super().retrieve(request, *args, **kwargs), request.user)
