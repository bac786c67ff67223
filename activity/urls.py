"""Routed from config/urls.py under api/, before the catalogue's and the accounts' own routes."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from activity import views

router = SimpleRouter(trailing_slash=True)
router.register("diary", views.DiaryViewSet, basename="diary")

urlpatterns = [
    *router.urls,
    path("watchlist/", views.WatchlistView.as_view(), name="watchlist"),
    path("watchlist/<int:movie_id>/", views.WatchlistEntryView.as_view(), name="watchlist-entry"),
    path("movies/<int:movie_id>/watched/", views.WatchedView.as_view(), name="movie-watched"),
    path("movies/<int:movie_id>/like/", views.MovieLikeView.as_view(), name="movie-like"),
    path("recommendations/dismissed/", views.DismissedListView.as_view(), name="dismissed"),
    path("recommendations/dismissed/<int:movie_id>/", views.DismissalView.as_view(), name="dismissal"),
    path("users/<str:username>/diary/", views.MemberDiaryView.as_view(), name="member-diary"),
    path("users/<str:username>/watchlist/", views.MemberWatchlistView.as_view(), name="member-watchlist"),
]

# After the accounts routes ("me/", "login/", ...): a username is anything else.
member_urlpatterns = [path("users/<str:username>/", views.MemberProfileView.as_view(), name="profile")]
