from django.urls import path

from web.people import views

urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path("people/<str:username>/", views.profile, name="profile"),
]
