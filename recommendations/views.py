from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from recommendations import selectors
from recommendations.serializers import (
    DashboardSerializer,
    LimitQuerySerializer,
    RecommendedMovieSerializer,
    TrendingQuerySerializer,
)


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TopRatedView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        """Best-rated movies by damped mean rating."""
        return Response(selectors.top_rated(**_query(LimitQuerySerializer, request)))


class TrendingView(APIView):
    @extend_schema(
        parameters=[TrendingQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        """Movies with the most reviews in the last `days` days."""
        return Response(selectors.trending(**_query(TrendingQuerySerializer, request)))


class MostReviewedView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        return Response(selectors.most_reviewed(**_query(LimitQuerySerializer, request)))


class RecentView(APIView):
    @extend_schema(
        parameters=[LimitQuerySerializer], responses=RecommendedMovieSerializer(many=True), tags=["recommendations"]
    )
    def get(self, request):
        """Movies most recently added to the catalogue."""
        return Response(selectors.recently_added(**_query(LimitQuerySerializer, request)))


class DashboardView(APIView):
    @extend_schema(parameters=[TrendingQuerySerializer], responses=DashboardSerializer, tags=["recommendations"])
    def get(self, request):
        """All four lists in one response."""
        params = _query(TrendingQuerySerializer, request)
        limit = params["limit"]
        return Response(
            {
                "top_rated": selectors.top_rated(limit=limit),
                "trending": selectors.trending(days=params["days"], limit=limit),
                "most_reviewed": selectors.most_reviewed(limit=limit),
                "recent": selectors.recently_added(limit=limit),
            }
        )
