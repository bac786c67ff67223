"""The whole demo: the catalogue, the demo people and the quiet members, what they watched, and their lists,
follows, likes and comments."""

import datetime

from django.db.models import Max

from core.caching import catalogue_changed
from imports.demo.catalogue import demo_films
from imports.demo.people import PEOPLE, QUIET_MEMBERS
from imports.demo.plan import demo_plan
from imports.demo.social import Social, notifications_backdate_on_commit
from imports.demo.writer import Activity, Written, catalogue_ensure, people_ensure
from notifications.models import Notification


def demo_write(now: datetime.datetime, password: str) -> Written:
    """Write whatever of the demo is missing (call it in a transaction); what was created, by kind."""
    written = Written()
    movies = catalogue_ensure(demo_films(), written)
    users = people_ensure([*PEOPLE, *QUIET_MEMBERS], password, now, written)
    plan = demo_plan(now)
    notified_before = Notification.objects.aggregate(top=Max("pk"))["top"] or 0
    activity = Activity(plan, users, movies, written)
    activity.write()
    Social(plan, users, movies, activity.reviews, written).write()
    if written.anything:
        catalogue_changed()
        notifications_backdate_on_commit(notified_before, [user.pk for user in users.values()], now)
    return written
