from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from follows.models import Block, Follow


class MemberSummarySerializer(serializers.Serializer):
    username = serializers.CharField()
    avatar = serializers.ImageField(allow_null=True)


@extend_schema_field(MemberSummarySerializer)
class MemberSummaryField(serializers.Field):
    """A member as a username and avatar, from a user already loaded with the row."""

    def to_representation(self, user) -> dict:
        return MemberSummarySerializer(user, context=self.context).data


class FollowerSerializer(serializers.ModelSerializer):
    member = MemberSummaryField(source="follower")
    since = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Follow
        fields = ["member", "since"]


class FollowingSerializer(serializers.ModelSerializer):
    member = MemberSummaryField(source="followee")
    since = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Follow
        fields = ["member", "since"]


class BlockSerializer(serializers.ModelSerializer):
    member = MemberSummaryField(source="blocked")
    since = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Block
        fields = ["member", "since"]


class FollowStateSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The member you follow.")
    follower_count = serializers.IntegerField(help_text="Their followers, you included.")


class BlockStateSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The member you blocked.")
