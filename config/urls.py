from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from activity.urls import member_urlpatterns
from activity.views import MovieViewSet
from core.views import health, health_live, health_ready
from movies.views import GenreViewSet
from recommendations.views import SimilarMoviesView, TasteProfileView
from reviews.views import MovieReviewsView, ReviewViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("movies", MovieViewSet, basename="movie")
router.register("genres", GenreViewSet, basename="genre")
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = [
    path("health/", health, name="health"),
    re_path(r"^health/live/?$", health_live, name="health-live"),
    re_path(r"^health/ready/?$", health_ready, name="health-ready"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    # Before the member routes: their "<username>/" would take it ("profile" is a reserved username).
    path("api/users/profile/taste-profile/", TasteProfileView.as_view(), name="taste-profile"),
    path("api/", include("activity.urls")),
    path("api/users/", include("accounts.urls")),
    path("api/", include("follows.urls")),
    path("api/", include("lists.urls")),
    path("api/", include("comments.urls")),
    path("api/", include("feed.urls")),
    path("api/", include("notifications.urls")),
    path("api/", include("imports.history.urls")),
    path("api/", include(member_urlpatterns)),
    path("api/recommendations/", include("recommendations.urls")),
    # Before the router: its movie routes would otherwise answer 404 for these paths.
    path("api/movies/<int:movie_id>/similar/", SimilarMoviesView.as_view(), name="movie-similar"),
    re_path(r"^api/movies/(?P<pk>\d+)/reviews/$", MovieReviewsView.as_view(), name="movie-reviews"),
    path("api/movies/", include("imports.urls")),
    path("api/", include(router.urls)),
    path("", include("web.urls")),
]

if settings.DEBUG:
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
