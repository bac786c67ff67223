"""Load the demo: a catalogue of well-known films and demo people with distinct tastes, whose ratings, diaries,
lists, follows and comments fill every page (see imports/demo/). Safe to run again: it creates only what is
missing."""

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from imports.demo.people import PEOPLE, QUIET_MEMBERS
from imports.demo.seed import demo_write
from imports.demo.writer import Written

DEMO_USER_PASSWORD = "demo-password-123"
DEMO_USERNAMES = [person.username for person in PEOPLE]
# What the summary reports, in this order.
KINDS = (
    "movies",
    "users",
    "reviews",
    "diary entries",
    "watched marks",
    "watchlist entries",
    "liked films",
    "lists",
    "follows",
    "review likes",
    "list likes",
    "comments",
)


class Command(BaseCommand):
    help = (
        "Create the demo catalogue, the demo people and everything they did (ratings, reviews, diary, lists, "
        "follows, likes, comments) and an admin account. Creates only what is missing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = demo_write(timezone.now(), DEMO_USER_PASSWORD)
            username, password = self._admin()
        self.stdout.write(self.style.SUCCESS(summary(written)))
        self.stdout.write(f"Admin login: {username} / {password}  (the admin site is at /admin/)")
        tastes = ", ".join(f"{person.username} ({person.label})" for person in PEOPLE)
        self.stdout.write(f"Demo users, password {DEMO_USER_PASSWORD}: {tastes}")
        self.stdout.write(f"(and {len(QUIET_MEMBERS)} quiet members who rate and follow, with the same password)")

    def _admin(self) -> tuple[str, str]:
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "flixreview-admin")
        user_model = get_user_model()
        admin, _ = user_model.objects.get_or_create(username=username, defaults={"email": f"{username}@localhost"})
        if not (admin.is_staff and admin.is_superuser and admin.check_password(password)):
            admin.is_staff = admin.is_superuser = True
            admin.set_password(password)
            admin.save()
        return username, password


def summary(written: Written) -> str:
    if not written.anything:
        return "Demo data ready: nothing new, it was all there already."
    made = ", ".join(f"{written[kind]} {kind}" for kind in KINDS if written[kind])
    return f"Demo data ready. New: {made}."
