from django.urls import path

from comments.views import CommentDetailView, ListCommentsView, ReviewCommentsView

urlpatterns = [
    path("reviews/<int:review_id>/comments/", ReviewCommentsView.as_view(), name="review-comments"),
    path("lists/<int:list_id>/comments/", ListCommentsView.as_view(), name="list-comments"),
    path("comments/<int:pk>/", CommentDetailView.as_view(), name="comment-detail"),
]
