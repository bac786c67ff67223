from django.urls import path

from web.people.views import activity, feed, list_owner, lists, members, notifications

urlpatterns = [
    path("feed/", feed.feed, name="feed"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    path("people/<str:username>/", members.profile, name="profile"),
    path("people/<str:username>/diary/", activity.diary, name="diary"),
    path("people/<str:username>/watchlist/", activity.watchlist, name="watchlist"),
    path("people/<str:username>/lists/", lists.member_lists_page, name="lists"),
    path("people/<str:username>/followers/", members.followers, name="followers"),
    path("people/<str:username>/following/", members.following, name="following"),
    path("people/<str:username>/follow/", members.follow, name="follow"),
    path("people/<str:username>/block/", members.block, name="block"),
    path("watchlist/<int:movie_id>/remove/", activity.watchlist_remove, name="watchlist-remove"),
    path("lists/new/", list_owner.list_new, name="list-new"),
    path("lists/<int:pk>/", lists.list_page, name="list"),
    path("lists/<int:pk>/edit/", list_owner.list_edit, name="list-edit"),
    path("lists/<int:pk>/delete/", list_owner.list_delete, name="list-delete"),
    path("lists/<int:pk>/like/", lists.list_like, name="list-like"),
    path("lists/<int:pk>/comments/", lists.list_comment, name="list-comment"),
    path("lists/<int:pk>/comments/<int:comment_id>/delete/", lists.list_comment_delete, name="list-comment-delete"),
    path("lists/<int:pk>/add/", list_owner.list_add, name="list-add"),
    path("lists/<int:pk>/items/<int:item_id>/", list_owner.list_item, name="list-item"),
    path("lists/<int:pk>/items/<int:item_id>/remove/", list_owner.list_item_remove, name="list-item-remove"),
]
