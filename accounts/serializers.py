from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Department, Notification, NotificationKind, Region, User
from .roles import Role


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name"]


class RegionRefSerializer(serializers.ModelSerializer):
    """A region as other resources mention it."""

    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Parent region id; null for a country."))
    depth = serializers.IntegerField(read_only=True, help_text=_("0 for a country, 1 for a province, 2 for a city."))

    class Meta:
        model = Region
        fields = ["id", "code", "name", "name_en", "kind", "parent", "path", "depth"]


class UserRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="display_name", read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    region = RegionRefSerializer(read_only=True, allow_null=True)
    manager = UserRefSerializer(read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "language",
            "department",
            "roles",
            "region",
            "manager",
        ]

    def get_roles(self, user: User) -> list[dict]:
        return RoleSerializer(
            [{"code": role, "name": Role(role).label} for role in sorted(user.role_names)], many=True
        ).data


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("How many of my notifications are unread (the bell's number)."))


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text=_("How many notifications this call marked read."))


class NotificationPreferenceSerializer(serializers.Serializer):
    """One kind of notification and the channels it reaches me through (the in-app inbox always has it)."""

    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    label = serializers.CharField(read_only=True, help_text=_("The kind's name in the caller's language."))
    email = serializers.BooleanField(help_text=_("Also by e-mail."))
    chat = serializers.BooleanField(help_text=_("Also in the enterprise-chat groups of my department or region."))


class NotificationPreferenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    email = serializers.BooleanField(required=False, help_text=_("Also by e-mail. Left out: unchanged."))
    chat = serializers.BooleanField(required=False, help_text=_("Also by enterprise chat. Left out: unchanged."))
