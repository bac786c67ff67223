from rest_framework import permissions


class IsAuthorOrAdminCanDelete(permissions.BasePermission):
    """Anyone reads; only the author edits; the author or an admin deletes."""

    def has_object_permission(self, request, view, review) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE" and request.user.is_staff:
            return True
        return review.user_id == request.user.id
