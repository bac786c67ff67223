"""The activity feed: fan-out on read over the event table.

A page is one statement: the events of the members the viewer follows, newest first from the cursor on, each
joined to the object it is about (which also decides whether it may be shown: private diaries and lists,
hidden reviews, blocks either way, all read now rather than when the event was written).
"""

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from accounts.models import User
from feed.models import Event, EventKind
from follows.selectors import followee_ids, without_blocked

# A review's text in the feed is cut to this many characters (an ellipsis marks the cut).
EXCERPT_CHARS = 280

_MOVIE_FIELDS = ("id", "title", "release_date", "poster_url")
_RELATED = {
    "actor": ("username",),
    "review": ("id", "rating"),
    "review__movie": _MOVIE_FIELDS,
    "diary_entry": ("id", "watched_on", "rating", "rewatch"),
    "diary_entry__movie": _MOVIE_FIELDS,
    "film_list": ("id", "name", "item_count"),
    "review_like": ("id",),
    "review_like__review": ("id",),
    "review_like__review__user": ("username",),
    "review_like__review__movie": _MOVIE_FIELDS,
}


def feed_for(viewer: User, kind: str | None = None) -> QuerySet[Event]:
    """What the members ``viewer`` follows did that the viewer may see, with the objects, newest first."""
    events = Event.objects.filter(actor_id__in=followee_ids(viewer))
    if kind is not None:
        events = events.filter(kind=kind)
    events = events.exclude(
        Q(kind=EventKind.DIARY_ENTRY, actor__diary_public=False)
        | Q(review__hidden=True)
        | Q(film_list__public=False)
        | Q(review_like__review__hidden=True)
    )
    events = without_blocked(without_blocked(events, viewer, "actor"), viewer, "subject")
    fields = ["kind", "created_at", "actor", "subject_id"]
    fields += [f"{relation}__{name}" for relation, names in _RELATED.items() for name in names]
    return (
        events.select_related(*_RELATED)
        .only(*fields)
        .annotate(review_excerpt=Substr("review__body", 1, EXCERPT_CHARS + 1))
        .order_by("-created_at", "-id")
    )


def excerpt(text: str | None) -> str:
    if not text or len(text) <= EXCERPT_CHARS:
        return text or ""
    return text[:EXCERPT_CHARS].rstrip() + "…"


def with_excerpts(events: list[Event]) -> list[Event]:
    """Give each review on the page its ``body_excerpt`` (the statement fetched only the excerpt's characters)."""
    for event in events:
        if event.review is not None:
            event.review.body_excerpt = excerpt(event.review_excerpt)  # type: ignore[attr-defined]
    return events
