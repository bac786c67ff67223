"""Film search on PostgreSQL (movies.selectors.search_movies): the pg_trgm and unaccent extensions, an immutable
unaccent, two generated columns the database keeps right on every write (the bulk importers and every other path
that writes movies need not know them): the title unaccented and in lower case, and the full-text vector; and a GIN
index on each (trigrams of the folded title, the vector).

Nothing happens on other databases: the model does not know the columns, and SQLite searches without them.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# unaccent() is only STABLE (it reads a dictionary that could change), so a generated column may not call it. The
# wrapper names its dictionary and promises it will not change.
FUNCTION = """
CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$
"""
# The folded title is stored rather than only indexed: a search rechecks, compares and ranks it for every film it
# matches, and calling the wrapper each time made a broad prefix's keystroke half as slow again. The vector: the
# title first (A), then the people (B: the JSON lists of names, read as text), then the description (C).
COLUMNS = """
ALTER TABLE movies_movie
ADD COLUMN search_title text GENERATED ALWAYS AS (immutable_unaccent(lower(title))) STORED,
ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, immutable_unaccent(title)), 'A')
    || setweight(to_tsvector('english'::regconfig, immutable_unaccent(directors::text || ' ' || "cast"::text)), 'B')
    || setweight(to_tsvector('english'::regconfig, immutable_unaccent(description)), 'C')
) STORED
"""
INDEXES = [
    "CREATE INDEX movie_search_vector_idx ON movies_movie USING gin (search_vector)",
    "CREATE INDEX movie_title_trgm_idx ON movies_movie USING gin (search_title gin_trgm_ops)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS movie_title_trgm_idx",
    "DROP INDEX IF EXISTS movie_search_vector_idx",
    "ALTER TABLE movies_movie DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS search_title",
    "DROP FUNCTION IF EXISTS immutable_unaccent(text)",
]


class OnPostgreSQLOnly:
    """Django's extension operations skip other databases on the way forward but not back."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Trigram(OnPostgreSQLOnly, TrigramExtension):
    pass


class Unaccent(OnPostgreSQLOnly, UnaccentExtension):
    pass


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(nspname) FROM pg_extension JOIN pg_namespace ON pg_namespace.oid = extnamespace "
            "WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    for statement in [FUNCTION.format(schema=schema), COLUMNS, *INDEXES]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARDS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("movies", "0008_genre_stats"),
    ]

    operations = [
        Trigram(),
        Unaccent(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
