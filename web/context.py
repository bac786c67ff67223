"""What every page's frame shows: the member's unread notifications (the badge) and the site's name."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count

SITE_NAME = "FlixReview"


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith(("/api/", "/admin/")):
        return {"site_name": SITE_NAME}
    # Counted when a template shows the badge, not for every partial an htmx answer renders.
    return {"site_name": SITE_NAME, "unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
