from django.urls import path

from imports.history.views import ImportJobDetailView, ImportJobListView, ImportUnmatchedView

urlpatterns = [
    path("imports/", ImportJobListView.as_view(), name="imports"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/unmatched.csv", ImportUnmatchedView.as_view(), name="import-unmatched"),
]
