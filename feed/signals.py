"""An event for each review, diary entry, list and review like created anywhere (services, admin, imports that
save one by one), and the events' hidden flag following their review's moderation and their list's privacy.
Bulk inserts and queryset updates send no signals: the synthetic data command writes its events itself, and a
page's objects are checked again when it is loaded, so a stale flag never shows what must not be seen."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from activity.models import DiaryEntry
from feed import services
from lists.models import FilmList
from reviews.models import Review, ReviewLike


@receiver(post_save, sender=Review, dispatch_uid="feed.review_created")
def review_saved(sender: type[Review], instance: Review, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        services.review_event_create(review=instance)
    elif _may_have_changed("hidden", kwargs.get("update_fields")):
        services.review_events_hide(review=instance)


@receiver(post_save, sender=DiaryEntry, dispatch_uid="feed.diary_entry_created")
def diary_entry_saved(
    sender: type[DiaryEntry], instance: DiaryEntry, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        services.diary_entry_event_create(entry=instance)


@receiver(post_save, sender=FilmList, dispatch_uid="feed.film_list_created")
def film_list_saved(
    sender: type[FilmList], instance: FilmList, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        services.film_list_event_create(film_list=instance)
    elif _may_have_changed("public", kwargs.get("update_fields")):
        services.film_list_events_hide(film_list=instance)


@receiver(post_save, sender=ReviewLike, dispatch_uid="feed.review_like_created")
def review_like_saved(
    sender: type[ReviewLike], instance: ReviewLike, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        services.review_like_event_create(like=instance)


def _may_have_changed(field: str, update_fields: frozenset[str] | None) -> bool:
    return update_fields is None or field in update_fields
