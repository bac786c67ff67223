"""Feed writes: one event per thing done, stamped with the object's own creation time, and the events' hidden
flag kept as their objects are hidden, shown, made private or public."""

from django.db.models import Q

from activity.models import DiaryEntry
from feed.models import Event, EventKind
from lists.models import FilmList
from reviews.models import Review, ReviewLike


def review_event_create(*, review: Review) -> Event:
    return Event.objects.create(
        actor_id=review.user_id,
        subject_id=review.user_id,
        kind=EventKind.REVIEW,
        created_at=review.created_at,
        hidden=review.hidden,
        review=review,
    )


def diary_entry_event_create(*, entry: DiaryEntry) -> Event:
    return Event.objects.create(
        actor_id=entry.user_id,
        subject_id=entry.user_id,
        kind=EventKind.DIARY_ENTRY,
        created_at=entry.created_at,
        diary_entry=entry,
    )


def film_list_event_create(*, film_list: FilmList) -> Event:
    return Event.objects.create(
        actor_id=film_list.owner_id,
        subject_id=film_list.owner_id,
        kind=EventKind.LIST,
        created_at=film_list.created_at,
        hidden=not film_list.public,
        film_list=film_list,
    )


def review_like_event_create(*, like: ReviewLike) -> Event:
    if ReviewLike.review.is_cached(like):
        author_id, hidden = like.review.user_id, like.review.hidden
    else:
        author_id, hidden = Review.objects.filter(pk=like.review_id).values_list("user_id", "hidden").get()
    return Event.objects.create(
        actor_id=like.user_id,
        subject_id=author_id,
        kind=EventKind.REVIEW_LIKE,
        created_at=like.created_at,
        hidden=hidden,
        review_like=like,
    )


def review_events_hide(*, review: Review) -> None:
    """The review's event and the events of its likes follow ``review.hidden``."""
    about = Q(review_id=review.pk) | Q(review_like__review_id=review.pk)
    Event.objects.filter(about).exclude(hidden=review.hidden).update(hidden=review.hidden)


def film_list_events_hide(*, film_list: FilmList) -> None:
    Event.objects.filter(film_list_id=film_list.pk, hidden=film_list.public).update(hidden=not film_list.public)
