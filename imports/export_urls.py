"""Routed from config/urls.py under api/, before the member routes (whose "users/<username>/" would not take
"users/me/export/" anyway: "me" is a reserved username)."""

from django.urls import path

from imports.export_views import UserExportView

urlpatterns = [path("users/me/export/", UserExportView.as_view(), name="user-export")]
