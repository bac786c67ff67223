"""TMDB (The Movie Database) API v3: the HTTP client, its typed responses and errors, and the catalogue import."""
