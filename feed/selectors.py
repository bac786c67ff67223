"""The activity feed: fan-out on read over the event table.

A page takes two statements. The first picks the page's events: those of the members the viewer follows that the
viewer may see, newest first from the cursor on. The second loads them with the objects they are about and checks
each object again (private diaries and lists, hidden reviews, blocks either way: all read now, not when the event
was written).

On PostgreSQL the first is one explicit statement that reads at most ``limit`` events per followed member from
the covering (actor, created_at, id) index (a LATERAL subquery per follow, the event's hidden flag standing in for
joins to the objects) and keeps the newest ``limit`` of those: its cost is bounded by the number of follows,
whatever the size of the table or the depth of the page. PostgreSQL plans the ORM's form of the same read
(``feed_for``) as a scan and sort of the whole table (0.5 s at a million events); it serves SQLite, and a test
holds the two equal.
"""

import functools
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from accounts.models import User
from core import sql
from core.pagination import Entry, KeysetPagination, Position
from feed.models import Event, EventKind
from follows.models import Block, Follow
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


def visible_events(viewer: User) -> QuerySet[Event]:
    """Every event the viewer may see, whoever did it."""
    events = Event.objects.exclude(
        Q(kind=EventKind.DIARY_ENTRY, actor__diary_public=False)
        | Q(review__hidden=True)
        | Q(film_list__public=False)
        | Q(review_like__review__hidden=True)
    )
    return without_blocked(without_blocked(events, viewer, "actor"), viewer, "subject")


def feed_for(viewer: User, kind: str | None = None) -> QuerySet[Event]:
    """What the members ``viewer`` follows did that the viewer may see, newest first."""
    events = visible_events(viewer).filter(actor_id__in=followee_ids(viewer))
    if kind is not None:
        events = events.filter(kind=kind)
    return events.order_by("-created_at", "-id")


def feed_page(viewer: User, kind: str | None, position: Position | None, limit: int) -> list[Entry]:
    """The next ``limit`` items of the viewer's feed after ``position``: (position, event with its objects) pairs.

    The event is None where its object turned out not to be visible when loaded (a hidden flag not yet caught
    up): the page is one shorter, and the cursor still moves past it.
    """
    if connection.vendor == "postgresql":
        picked = feed_page_ids(viewer, kind, position, limit)
    else:
        picked = feed_page_ids_orm(viewer, kind, position, limit)
    if not picked:
        return []
    events = with_objects(visible_events(viewer).filter(pk__in=[row_id for _, row_id in picked]))
    loaded = {event.pk: event for event in with_excerpts(list(events))}
    return [((moment, row_id), loaded.get(row_id)) for moment, row_id in picked]


def feed_page_ids_orm(viewer: User, kind: str | None, position: Position | None, limit: int) -> list[Position]:
    events = KeysetPagination.queryset_after(feed_for(viewer, kind), position)
    return list(events.values_list("created_at", "pk")[:limit])


def feed_page_ids(viewer: User, kind: str | None, position: Position | None, limit: int) -> list[Position]:
    """(created_at, id) of the page's events, as feed_page_ids_orm, in one statement bounded by the follows."""
    params: list[Any] = [viewer.pk, viewer.pk]
    if position is not None:
        params += list(position)
    if kind is not None:
        params.append(kind)
    params += [limit, viewer.pk, viewer.pk, viewer.pk, limit]
    with connection.cursor() as cursor:
        cursor.execute(_page_sql(position is not None, kind is not None), params)
        return [(moment, row_id) for moment, row_id in cursor.fetchall()]


@functools.lru_cache(maxsize=8)
def _page_sql(after: bool, of_kind: bool) -> str:
    def col(model: Any, field: str, alias: str) -> str:
        return f"{alias}.{sql.column(model, field)}"

    block, blocker, blocked = sql.table(Block), sql.column(Block, "blocker"), sql.column(Block, "blocked")
    blocked_by_viewer = f"SELECT {blocked} FROM {block} WHERE {blocker} = %s"
    blocking_viewer = f"SELECT {blocker} FROM {block} WHERE {blocked} = %s"
    e_created, e_id, e_kind = col(Event, "created_at", "e"), col(Event, "id", "e"), col(Event, "kind", "e")
    followee = col(Follow, "followee", "f")
    conditions = [
        f"{col(Event, 'actor', 'e')} = {followee}",
        f"NOT {col(Event, 'hidden', 'e')}",
        f"({col(User, 'diary_public', 'u')} OR {e_kind} <> '{EventKind.DIARY_ENTRY.value}')",
        f"{col(Event, 'subject', 'e')} NOT IN ({blocked_by_viewer})",
        f"{col(Event, 'subject', 'e')} NOT IN ({blocking_viewer})",
    ]
    if after:
        conditions.append(f"({e_created}, {e_id}) < (%s, %s)")
    if of_kind:
        conditions.append(f"{e_kind} = %s")
    return f"""
        SELECT page.created_at, page.id FROM {sql.table(Follow)} f
        JOIN {sql.table(User)} u ON {col(User, "id", "u")} = {followee}
        CROSS JOIN LATERAL (
            SELECT {e_created} AS created_at, {e_id} AS id FROM {sql.table(Event)} e
            WHERE {" AND ".join(conditions)}
            ORDER BY {e_created} DESC, {e_id} DESC
            LIMIT %s
        ) page
        WHERE {col(Follow, "follower", "f")} = %s
            AND {followee} NOT IN ({blocked_by_viewer}) AND {followee} NOT IN ({blocking_viewer})
        ORDER BY page.created_at DESC, page.id DESC
        LIMIT %s
    """


def with_objects(events: QuerySet[Event]) -> QuerySet[Event]:
    """The events with what each is about, in one statement: only the columns the feed shows."""
    fields = ["kind", "created_at", "actor", "subject_id"]
    fields += [f"{relation}__{name}" for relation, names in _RELATED.items() for name in names]
    return (
        events.select_related(*_RELATED)
        .only(*fields)
        .annotate(review_excerpt=Substr("review__body", 1, EXCERPT_CHARS + 1))
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
