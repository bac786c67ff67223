"""The TMDB endpoints, under the catalogue's URLs: config/urls.py includes them at api/movies/, ahead of the movie
router."""

from django.urls import path, re_path

from imports.views import TmdbImportView, TmdbSearchView, TmdbSyncView

urlpatterns = [
    path("search-tmdb/", TmdbSearchView.as_view(), name="movie-search-tmdb"),
    path("import-tmdb/", TmdbImportView.as_view(), name="movie-import-tmdb"),
    re_path(r"^(?P<pk>\d+)/sync-tmdb/$", TmdbSyncView.as_view(), name="movie-sync-tmdb"),
]
