from django.urls import path

from web.films import actions, social, views

urlpatterns = [
    path("films/", views.films, name="films"),
    path("films/<int:pk>/", views.film, name="film"),
    path("films/<int:pk>/rating/", actions.rate, name="film-rate"),
    path("films/<int:pk>/like/", actions.mark, {"kind": "like"}, name="film-like"),
    path("films/<int:pk>/watchlist/", actions.mark, {"kind": "watchlist"}, name="film-watchlist"),
    path("films/<int:pk>/log/", actions.log, name="film-log"),
    path("films/<int:pk>/review/", actions.review_save, name="film-review"),
    path("genres/", views.genres, name="genres"),
    path("genres/<slug:slug>/", views.genre, name="genre"),
    path("reviews/<int:review_id>/delete/", actions.review_remove, name="review-delete"),
    path("reviews/<int:review_id>/like/", social.review_like_toggle, name="review-like"),
    path("reviews/<int:review_id>/comments/", social.review_comments, name="review-comments"),
]
