from django.urls import path

from follows import views

urlpatterns = [
    path("users/me/blocked/", views.BlockedView.as_view(), name="blocked"),
    path("users/<str:username>/follow/", views.FollowView.as_view(), name="follow"),
    path("users/<str:username>/block/", views.BlockView.as_view(), name="block"),
    path("users/<str:username>/followers/", views.FollowersView.as_view(), name="followers"),
    path("users/<str:username>/following/", views.FollowingView.as_view(), name="following"),
]
