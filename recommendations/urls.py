from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("top-rated/", views.TopRatedView.as_view(), name="top-rated"),
    path("trending/", views.TrendingView.as_view(), name="trending"),
    path("most-reviewed/", views.MostReviewedView.as_view(), name="most-reviewed"),
    path("recent/", views.RecentView.as_view(), name="recent"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("for-you/", views.ForYouView.as_view(), name="for-you"),
    path("by-genre/<slug:slug>/", views.GenreBestView.as_view(), name="by-genre"),
]
