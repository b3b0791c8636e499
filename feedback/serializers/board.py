"""The filing board over the API: the period's days, and per rep one cell per day with its filing status."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import RegionRefSerializer, UserRefSerializer

from ..selectors.board import CellStatus


class BoardDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    working = serializers.BooleanField(help_text=_("A working day: a report is expected."))
    today = serializers.BooleanField(source="is_today")


class BoardCellSerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(
        choices=[(status, label) for status, label in CellStatus.LABELS.items()],
        help_text=_("on_time, late (submitted after the day), draft (not submitted), missing, future, off."),
    )
    report = serializers.IntegerField(source="report_id", allow_null=True, help_text=_("The report's id, if any."))


class BoardRepSerializer(UserRefSerializer):
    region = RegionRefSerializer(read_only=True)

    class Meta(UserRefSerializer.Meta):
        fields = [*UserRefSerializer.Meta.fields, "region"]


class BoardRowSerializer(serializers.Serializer):
    rep = BoardRepSerializer()
    missing = serializers.IntegerField()
    drafts = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time = serializers.IntegerField()
    cells = BoardCellSerializer(many=True)


class BoardSummarySerializer(serializers.Serializer):
    date = serializers.DateField(source="summary_day", allow_null=True, help_text=_("Today, or the period's last day."))
    working = serializers.BooleanField(source="summary_working")
    filed = serializers.IntegerField(help_text=_("Reps with a submitted report that day."))
    expected = serializers.IntegerField(help_text=_("Reps on the board."))
    not_filed = serializers.SerializerMethodField(help_text=_("The reps without a submitted report that day."))

    def get_not_filed(self, board) -> list[dict]:
        return UserRefSerializer([row.rep for row in board.not_filed], many=True).data


class FilingBoardSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    today = serializers.DateField()
    region = RegionRefSerializer(allow_null=True)
    days = BoardDaySerializer(many=True)
    summary = BoardSummarySerializer(source="*")
    rows = BoardRowSerializer(many=True, help_text=_("Most missing days first."))
