"""Request and response shapes of the admin TMDB endpoints (search, import, sync)."""

from rest_framework import serializers

from core.serializers import RejectUnknownFieldsMixin
from imports.tmdb.client import MAX_PAGE

TMDB_ID_MAX = 2**31 - 1  # Movie.tmdb_id is a PositiveIntegerField


class TmdbSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="Title words to search TMDB for.")
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1, help_text="TMDB's result page.")
    year = serializers.IntegerField(
        min_value=1870, max_value=2100, required=False, help_text="Only movies released that year."
    )


class TmdbSearchResultSerializer(serializers.Serializer):
    tmdb_id = serializers.IntegerField()
    title = serializers.CharField()
    release_date = serializers.DateField(allow_null=True)
    overview = serializers.CharField(allow_blank=True)
    poster_url = serializers.CharField(allow_blank=True, help_text="w500 poster on TMDB's image host, or empty.")
    genre_ids = serializers.ListField(child=serializers.IntegerField(), help_text="TMDB genre ids.")
    popularity = serializers.FloatField()
    vote_average = serializers.FloatField()
    vote_count = serializers.IntegerField()
    imported = serializers.BooleanField(help_text="Whether this movie is already in the catalogue.")
    movie_id = serializers.IntegerField(allow_null=True, help_text="Its id in the catalogue when imported.")


class TmdbSearchPageSerializer(serializers.Serializer):
    """One page of TMDB's search results, numbered as TMDB numbers them (up to 20 a page)."""

    page = serializers.IntegerField()
    total_pages = serializers.IntegerField()
    total_results = serializers.IntegerField()
    results = TmdbSearchResultSerializer(many=True)


class TmdbImportSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    tmdb_id = serializers.IntegerField(min_value=1, max_value=TMDB_ID_MAX, help_text="The movie's TMDB id.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "async" is a Python keyword, so it cannot be a class attribute.
        fields = super().get_fields()
        fields["async"] = serializers.BooleanField(
            default=False, help_text="Queue the import as a background task and answer 202 at once."
        )
        return fields


class TmdbImportQueuedSerializer(serializers.Serializer):
    task_id = serializers.CharField(help_text="The Celery task importing the movie.")
    tmdb_id = serializers.IntegerField()
