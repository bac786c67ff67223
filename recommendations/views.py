from functools import cache

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.viewer import add_viewer, with_viewer
from core.filters import BIGINT_MAX
from recommendations.selectors import by_genre, for_you, popular, similar, taste_profile
from recommendations.serializers import (
    DashboardSerializer,
    LimitQuerySerializer,
    PersonalRecommendationSerializer,
    RecommendedMovieSerializer,
    TasteProfileSerializer,
    TrendingQuerySerializer,
)


def _query(serializer_class, request) -> dict:
    defaults = _defaults(serializer_class)
    if not defaults.keys() & request.query_params.keys():
        # Most requests give none of the parameters: skip building and running a serializer.
        return dict(defaults)
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _listed(request, rows: list[dict]) -> Response:
    """The rows, each with ``viewer`` (what the logged-in user did with the film) when there is one."""
    return with_viewer(Response(rows), request.user)


@cache
def _defaults(serializer_class) -> dict:
    return {name: field.default for name, field in serializer_class().fields.items()}


class TopRatedView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        """Best-rated movies by damped mean rating."""
        return _listed(request, popular.top_rated(**_query(LimitQuerySerializer, request)))


class TrendingView(APIView):
    @extend_schema(
        parameters=[TrendingQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        """Movies with the most reviews in the last `days` days."""
        return _listed(request, popular.trending(**_query(TrendingQuerySerializer, request)))


class MostReviewedView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        return _listed(request, popular.most_reviewed(**_query(LimitQuerySerializer, request)))


class RecentView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        """Movies most recently added to the catalogue."""
        return _listed(request, popular.recently_added(**_query(LimitQuerySerializer, request)))


class DashboardView(APIView):
    @extend_schema(parameters=[TrendingQuerySerializer], responses=DashboardSerializer, tags=["recommendations"])
    def get(self, request):
        """All four lists in one response."""
        params = _query(TrendingQuerySerializer, request)
        limit = params["limit"]
        lists = {
            "top_rated": popular.top_rated(limit=limit),
            "trending": popular.trending(days=params["days"], limit=limit),
            "most_reviewed": popular.most_reviewed(limit=limit),
            "recent": popular.recently_added(limit=limit),
        }
        return Response(add_viewer(lists, request.user) if request.user.is_authenticated else lists)


def _user_or_none(request):
    return request.user if request.user.is_authenticated else None


class ForYouView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[LimitQuerySerializer],
        responses=PersonalRecommendationSerializer(many=True),
        tags=["recommendations"],
    )
    def get(self, request):
        """Movies picked for you from your reviews as they are now, each with the reason it is listed.

        With no reviews yet: popular movies in your preferred genres, then popular movies overall.
        """
        return _listed(request, for_you.for_you(user=request.user, **_query(LimitQuerySerializer, request)))


class SimilarMoviesView(APIView):
    @extend_schema(parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["movies"])
    def get(self, request, movie_id: int):
        """Movies most like this one by description, genres, keywords, cast and director; `score` is the
        cosine similarity. Logged in, films you watched, reviewed, liked, listed or dismissed are left out."""
        limit = _query(LimitQuerySerializer, request)["limit"]
        rows = None
        if movie_id <= BIGINT_MAX:
            rows = similar.similar_movies(movie_id=movie_id, user=_user_or_none(request), limit=limit)
        if rows is None:
            raise NotFound("No movie with this id.")
        return _listed(request, rows)


class GenreBestView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request, slug: str):
        """The genre's best movies by damped mean rating; logged in, re-ranked by your collaborative scores and
        without the films you watched, reviewed, liked, listed or dismissed."""
        rows = by_genre.genre_best(slug=slug, user=_user_or_none(request), **_query(LimitQuerySerializer, request))
        if rows is None:
            raise NotFound("No genre with this slug.")
        return _listed(request, rows)


class TasteProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[LimitQuerySerializer], responses=TasteProfileSerializer, tags=["accounts"])
    def get(self, request):
        """What your reviews say about your taste; `limit` caps the favourite genres, directors and actors."""
        profile = taste_profile.taste_profile(user=request.user, **_query(LimitQuerySerializer, request))
        return Response(TasteProfileSerializer(profile).data)
