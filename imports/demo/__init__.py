"""The demo site's content: a catalogue of well-known films (films.json), demo people with their own tastes, and
the plan of what those people did, written to the database by ``seed_demo``."""
