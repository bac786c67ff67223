"""Routed from config/urls.py under api/, before the catalogue's movie routes."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lists import views

router = SimpleRouter(trailing_slash=True)
router.register("lists", views.FilmListViewSet, basename="list")

urlpatterns = [
    *router.urls,
    path("lists/<int:list_id>/items/", views.ListItemsView.as_view(), name="list-items"),
    path("lists/<int:list_id>/items/<int:item_id>/", views.ListItemDetailView.as_view(), name="list-item"),
    path("movies/<int:movie_id>/lists/", views.MovieListsView.as_view(), name="movie-lists"),
]
