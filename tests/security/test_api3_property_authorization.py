"""API3:2023 Broken Object Property Level Authorization.

Mass assignment: every API write (each route and method that takes POST, PUT or PATCH, read from the URL resolver)
is sent its valid body plus the properties the caller must not set: an id, an owner (``user``,
``owner``, ``author``, ...), a privilege (``is_staff``, ``is_superuser``, ``is_active``), a count the server keeps
(``like_count``, ``review_count``, ``avg_rating``, ...), a moderation flag, a timestamp. Unknown fields are refused
with a 400 that changes nothing; read-only ones are accepted and ignored: the value lands nowhere in the database
and the response does not echo it. The site's forms, which validate with the same serializers, drop such fields.

Excessive data exposure: no response of any GET route (also read from the resolver) shows another member's e-mail
address, password hash or account flags, to anonymous callers, other members or admins.
"""

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import DateTimeField, ForeignKey
from django.test import Client

from accounts.models import User
from tests.security.routes import api_routes
from tests.security.support import ADMIN, ANONYMOUS, OTHER, OWNER, PROJECT_APPS, World, fingerprint
from tests.security.tables import WRITES, Write, get_urls

pytestmark = pytest.mark.django_db

MAGIC_ID = 987654
MAGIC_COUNT = 4242
MAGIC_TIME = "2001-02-03T04:05:06Z"


OWNERSHIP_FIELDS = (
    "user",
    "owner",
    "author",
    "recipient",
    "actor",
    "subject",
    "follower",
    "followee",
    "blocker",
    "blocked",
)
PRIVILEGES = {"is_staff": True, "is_superuser": True, "is_active": False}
SERVER_KEPT = (
    "like_count",
    "review_count",
    "comment_count",
    "item_count",
    "movie_count",
    "follower_count",
    "unread_count",
    "rows",
    "avg_rating",
)
TIMESTAMPS = ("created_at", "updated_at", "date_joined", "last_login", "edited_at", "tmdb_synced_at")
INJECTED = ["id", *OWNERSHIP_FIELDS, *PRIVILEGES, *SERVER_KEPT, "hidden", "status", "password", *TIMESTAMPS]


def test_every_write_route_and_method_is_in_the_table():
    writes = {(name, method) for name, route in api_routes().items() for method in route.methods}
    writes = {(name, method) for name, method in writes if method in {"post", "put", "patch"}}
    assert {(write.route, write.method) for write in WRITES} == writes


def victim_of(world: World, actor: str) -> int:
    return world.user_ids[OTHER if actor == OWNER else OWNER]


def injected_value(world: World, write: Write, field: str) -> Any:
    if field == "id":
        return MAGIC_ID
    if field in OWNERSHIP_FIELDS:
        return victim_of(world, write.actor)
    if field in PRIVILEGES:
        return PRIVILEGES[field]
    if field in SERVER_KEPT:
        return MAGIC_COUNT
    if field in TIMESTAMPS:
        return MAGIC_TIME
    return {"hidden": True, "status": "cancelled", "password": "Stolen-Quantum-Lantern-1"}[field]


def models_with(field: str) -> list[type]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and field in {f.name for f in model._meta.concrete_fields}
    ]


def state_of(world: World, write: Write) -> dict[str, Any]:
    """What the injected owners, privileges and moderation flags would change if they landed."""
    victim = victim_of(world, write.actor)
    return {
        "owned by the victim": [
            (model._meta.label, field, model.objects.filter(**{field: victim}).count())
            for field in OWNERSHIP_FIELDS
            for model in models_with(field)
        ],
        # Counted over everyone: a registration makes a new member.
        "privileges": [User.objects.filter(**{flag: value}).count() for flag, value in PRIVILEGES.items()],
        "hidden": [model.objects.filter(hidden=True).count() for model in models_with("hidden")],
    }


def landed(field: str, value: Any) -> list[str]:
    """The rows that now hold an injected id, count, timestamp or job state."""
    if field == "id":
        lookups = {"pk": MAGIC_ID}
        models = [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]
    elif field in TIMESTAMPS:
        lookups = {f"{field}__year": 2001}
        models = [m for m in models_with(field) if isinstance(m._meta.get_field(field), DateTimeField)]
    elif field in (*SERVER_KEPT, "status"):
        lookups, models = {field: value}, models_with(field)
    else:
        return []
    return [f"{field} in {model._meta.label}" for model in models if model.objects.filter(**lookups).exists()]


def send(world: World, write: Write, body: dict | None):
    client = world.client(write.actor)
    if write.multipart:
        return getattr(client, write.method)(write.url(world), body, format="multipart")
    return getattr(client, write.method)(write.url(world), body, format="json")


def injected_body(world: World, write: Write, fields: list[str]) -> dict:
    # The valid body's own fields win: a login's password is not an injection.
    return {**{f: injected_value(world, write, f) for f in fields}, **(write.body(world) if write.body else {})}


def refused_fields(response) -> set[str]:
    return set(response.json().get("errors", {})) if response.status_code == 400 else set()


@pytest.mark.parametrize("write", WRITES, ids=lambda write: f"{write.method.upper()} {write.route}")
def test_a_property_the_caller_may_not_set_is_refused_or_ignored(world, write):
    """All the properties at once: the ones the serializer does not know are refused by name (400, nothing
    written); sent again without those, the rest are accepted and ignored."""
    before, state = fingerprint(), state_of(world, write)
    with transaction.atomic():
        first = send(world, write, injected_body(world, write, INJECTED))
        refused = refused_fields(first)
        assert first.status_code < 300 or refused or write.needs_tmdb, first.content[:300]
        assert refused <= set(INJECTED), f"the valid body was refused: {first.content[:300]!r}"
        if refused:
            assert fingerprint() == before, "a refused write changed the database"
        transaction.set_rollback(True)
    accepted = [field for field in INJECTED if field not in refused]

    response = send(world, write, injected_body(world, write, accepted))

    if write.needs_tmdb:
        assert response.status_code == 503, response.content[:300]
        return
    assert response.status_code < 300, response.content[:300]
    assert [problem for field in accepted for problem in landed(field, injected_value(world, write, field))] == []
    assert state_of(world, write) == state, "an injected owner, privilege or moderation flag landed"
    body = response.json() if response.content and response["Content-Type"].startswith("application/json") else {}
    echoed = [
        f for f in accepted if isinstance(body, dict) and f in body and body[f] == injected_value(world, write, f)
    ]
    assert echoed == []


SITE_FORMS = {
    "/settings/profile/": {"bio": "Hi", "time_zone": "UTC"},
    "/settings/privacy/": {"diary_public": "on"},
    "/lists/new/": {"name": "Mine"},
}


@pytest.mark.parametrize("path", SITE_FORMS)
def test_the_sites_forms_drop_fields_they_do_not_have(world, path):
    member = world.user(OTHER)
    site = Client()
    site.force_login(member)
    extra = {"is_staff": "on", "is_superuser": "on", "user": world.user_ids[OWNER], "owner": world.user_ids[OWNER]}

    response = site.post(path, {**SITE_FORMS[path], **extra})

    assert response.status_code in {200, 302}
    member.refresh_from_db()
    assert not (member.is_staff or member.is_superuser)
    assert not apps.get_model("lists", "FilmList").objects.filter(owner_id=world.user_ids[OWNER], name="Mine").exists()


# Keys that describe an account to its holder only (GET /api/users/me/ is theirs, and left out below).
PRIVATE_KEYS = {"email", "password", "last_login", "is_superuser", "is_staff", "is_active", "time_zone"}


def keys_in(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_in(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_in(value)}
    return set()


def test_every_get_route_is_in_the_table(world):
    gets = {name for name, route in api_routes().items() if "get" in route.methods}
    assert set(get_urls(world)) == gets


@pytest.mark.parametrize("actor", [ANONYMOUS, OTHER, ADMIN])
def test_no_response_shows_another_members_private_account_fields(world, actor):
    owner = world.user(OWNER)
    secrets = {owner.email, owner.password}
    client = world.client(actor)
    exposed = []
    for route, url in get_urls(world).items():
        response = client.get(url)
        text = response.content.decode("latin-1")
        exposed += [f"{route}: {secret!r}" for secret in secrets if secret in text]
        if route != "me" and response["Content-Type"].startswith("application/json"):
            exposed += [f"{route}: key {key!r}" for key in sorted(keys_in(response.json()) & PRIVATE_KEYS)]
    assert exposed == []


def test_a_members_own_account_shows_their_email_and_no_password(world):
    body = world.client(OTHER).get("/api/users/me/").json()

    assert body["email"] == world.user(OTHER).email
    assert not {"password", "is_superuser", "last_login"} & set(body)
    assert json.dumps(body).find(world.user(OTHER).password) == -1


def test_injected_fields_cover_every_ownership_and_count_column():
    """A new model's owner or server-kept count is named here, so the injection above tries it."""
    owners, stamps = set(), set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey) and field.related_model is User:
                owners.add(field.name)
            if field.name.endswith("_count") and field.editable is False:
                stamps.add(field.name)
    assert owners <= set(OWNERSHIP_FIELDS), owners - set(OWNERSHIP_FIELDS)
    assert stamps <= set(SERVER_KEPT), stamps - set(SERVER_KEPT)
