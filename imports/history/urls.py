"""Routed from config/urls.py under api/, before the member routes (which would not take "users/me/export/"
anyway: "me" is a reserved username)."""

from django.urls import path

from imports.history.export_views import UserExportView
from imports.history.views import ImportJobDetailView, ImportJobListView, ImportUnmatchedView

urlpatterns = [
    path("imports/", ImportJobListView.as_view(), name="imports"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/unmatched.csv", ImportUnmatchedView.as_view(), name="import-unmatched"),
    path("users/me/export/", UserExportView.as_view(), name="user-export"),
]
