from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from accounts.serializers import RegionRefSerializer
from coordination.tabular import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS

from ..models import Outlet


class RepRefSerializer(serializers.ModelSerializer):
    """An assigned rep as an outlet mentions them."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class OutletSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    region = RegionRefSerializer(read_only=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True, help_text=_("Degrees north, as a string.")
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True, help_text=_("Degrees east, as a string.")
    )
    reps = RepRefSerializer(many=True, read_only=True)

    class Meta:
        model = Outlet
        fields = [
            "id",
            "code",
            "name",
            "channel",
            "channel_display",
            "region",
            "address",
            "latitude",
            "longitude",
            "reps",
            "active",
        ]


class OutletImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "CSV (UTF-8 or GBK) or XLSX with the columns code, name, channel, region (code), address, latitude, "
            "longitude, reps (usernames separated by ';'), active (1/0). At most %(rows)s rows and %(mb)s MB."
        )
        % {"rows": MAX_IMPORT_ROWS, "mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    )


class OutletImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
