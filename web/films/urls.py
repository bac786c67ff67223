from django.urls import path

from web.films import views

urlpatterns = [
    path("films/", views.films, name="films"),
    path("films/<int:pk>/", views.film, name="film"),
]
