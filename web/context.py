"""What every page's frame shows: the member's unread notifications (the badge) and the site's name."""

from typing import Any

from django.http import HttpRequest

from notifications.selectors import unread_count

SITE_NAME = "FlixReview"


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith(("/api/", "/admin/")):
        return {"site_name": SITE_NAME}
    return {"site_name": SITE_NAME, "unread_notifications": unread_count(user)}
