from rest_framework import permissions

from comments.selectors import thing_owner_id


class CommentPermission(permissions.BasePermission):
    """Whoever may see a comment reads it; only its author edits it; its author, the owner of the review or list it
    is on, and admins delete it."""

    def has_object_permission(self, request, view, comment) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if request.method == "DELETE" and (user.is_staff or thing_owner_id(comment) == user.pk):
            return True
        return comment.author_id == user.pk
