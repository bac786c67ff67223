"""After a bulk load the planner's statistics are refreshed; on PostgreSQL, outside a transaction, the tables are
vacuumed too (all-visible pages: counts read the index, not the table)."""

import pytest
from django.db import connection

from core.bulk import refresh_planner_statistics
from tests.factories import MovieFactory


def last_vacuumed(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_on_postgresql_outside_a_transaction_the_tables_are_vacuumed():
    MovieFactory.create_batch(3)
    before = last_vacuumed("movies_movie")

    refresh_planner_statistics()

    after = last_vacuumed("movies_movie")
    assert after is not None and (before is None or after > before)


@pytest.mark.django_db
def test_inside_a_transaction_the_statistics_are_refreshed_without_a_vacuum():
    MovieFactory.create_batch(3)

    refresh_planner_statistics()  # VACUUM would fail here: it cannot run inside a transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
