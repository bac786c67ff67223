from rest_framework import serializers

from core.representation import FastRepresentationMixin
from core.serializers import RejectUnknownFieldsMixin
from movies.models import Movie
from movies.ratings import RatingField
from reviews.models import Review
from reviews.services import DUPLICATE_REVIEW_MESSAGE


class ReviewSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    movie_title = serializers.CharField(source="movie.title", read_only=True)
    rating = RatingField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "user",
            "movie",
            "movie_title",
            "rating",
            "body",
            "like_count",
            "comment_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReviewUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    rating = RatingField()
    body = serializers.CharField(allow_blank=True, max_length=10000, required=False, trim_whitespace=True)


class ReviewCreateSerializer(ReviewUpdateSerializer):
    movie = serializers.PrimaryKeyRelatedField(queryset=Movie.objects.all())

    def validate(self, attrs: dict) -> dict:
        user = self.context["request"].user
        if Review.objects.filter(user=user, movie=attrs["movie"]).exists():
            raise serializers.ValidationError({"movie": [DUPLICATE_REVIEW_MESSAGE]}, code="duplicate")
        return attrs


class ReviewLikeSerializer(serializers.Serializer):
    review = serializers.IntegerField()
    like_count = serializers.IntegerField()
