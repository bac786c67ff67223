"""The security modules' shared world (tests/security/support.py), built once per module."""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.support import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once per module inside a transaction that is rolled back at the end; every test runs in a savepoint
    of it (pytest-django's own), so each one starts from the same rows."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        built = build_world()
        yield built
        transaction.set_rollback(True)
