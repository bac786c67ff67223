"""Your notifications, newest first, the unread ones marked; mark one, some or all of them read (as
/api/notifications/ and /api/notifications/read/). The header's unread badge follows."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from notifications import services as notification_services
from notifications.selectors import notifications_page_rows
from notifications.serializers import MarkReadSerializer
from web.people.common import done, error_text, is_htmx, member_of, page_of

NOTIFICATIONS_PER_PAGE = 30


def _page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    page = page_of(request, notifications_page_rows(member_of(request)), NOTIFICATIONS_PER_PAGE)
    return {"page": page, "notifications": list(page), **extra}


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "web/people/notifications.html", _page_context(request))


def _mark_read_data(request: HttpRequest) -> dict[str, Any]:
    """The form's choice as the API's body: ``all`` or ``id`` (one or more), validated by its serializer."""
    if request.POST.get("all"):
        return {"all": True}
    ids = request.POST.getlist("id")
    return {"ids": [int(value) if value.isdigit() else value for value in ids]} if ids else {}


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark notifications read. With htmx, the page's list again, and the header's badge and the "Mark all read"
    button (gone when nothing is left unread) out of band."""
    serializer = MarkReadSerializer(data=_mark_read_data(request))
    try:
        serializer.is_valid(raise_exception=True)
    except ValidationError as exc:
        message, error = error_text(exc), True
    else:
        data = serializer.validated_data
        unread = notification_services.notifications_mark_read(
            user=member_of(request), ids=data.get("ids"), everything=data.get("all", False)
        )
        what = "All your notifications are read." if data.get("all") else "Marked read."
        message, error = f"{what} {unread} unread left." if unread else what, False
    if not is_htmx(request):
        return done(request, reverse("web:notifications"), message, error=error)
    ids = serializer.validated_data.get("ids") if not error else None
    marked_id = ids[0] if ids and len(ids) == 1 else None
    # "Mark all read" goes with the last unread notification: the focus moves from it to the list.
    focus_region = not error and bool(serializer.validated_data.get("all"))
    context = _page_context(
        request, announce=message, announce_error=error, marked_id=marked_id, focus_region=focus_region
    )
    return render(request, "web/people/_notifications_changed.html", context)
