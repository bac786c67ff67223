from rest_framework import serializers

from core.representation import FastRepresentationMixin
from core.serializers import RejectUnknownFieldsMixin
from lists.models import MAX_ITEMS, FilmList, ListItem
from movies.models import Movie
from movies.serializers import MovieSummarySerializer


class FilmListSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_username", read_only=True, help_text="The owner's username.")
    liked = serializers.BooleanField(read_only=True, help_text="You liked it (always false when not logged in).")

    class Meta:
        model = FilmList
        fields = [
            "id",
            "owner",
            "name",
            "description",
            "ranked",
            "public",
            "item_count",
            "like_count",
            "comment_count",
            "liked",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FilmListInputSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    ranked = serializers.BooleanField(required=False, help_text="The order is a ranking. Default: false.")
    public = serializers.BooleanField(required=False, help_text="A private list is yours alone. Default: true.")


class FilmListLikeSerializer(serializers.Serializer):
    list = serializers.IntegerField()
    like_count = serializers.IntegerField()


class ListItemSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    movie = MovieSummarySerializer(read_only=True)

    class Meta:
        model = ListItem
        fields = ["id", "position", "movie", "note", "created_at"]
        read_only_fields = fields


POSITION_HELP = "1 is the top of the list."


class ListItemCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    movie = serializers.PrimaryKeyRelatedField(queryset=Movie.objects.only("pk"))
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False)
    position = serializers.IntegerField(
        min_value=1, max_value=MAX_ITEMS, required=False, help_text=f"{POSITION_HELP} Default: after the last film."
    )


class ListItemUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False)
    position = serializers.IntegerField(
        min_value=1, max_value=MAX_ITEMS, required=False, help_text=f"{POSITION_HELP} The films in between shift."
    )
