"""Reads behind the recommendation lists, one module a list; each returns rows ready to render.

Lists are computed from what the offline build left (the served model, the SimilarMovie rows) and the data as it
is now, and kept in the shared cache (core.caching) for RECOMMENDATIONS_CACHE_SECONDS under the catalogue
generation, which every review, catalogue or preference write moves on: a new review shows in the very next list.
"""
