"""FilterSets of the joint layer (the API documents them; selectors apply them)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User

from .models import ActionItem, JointMeeting


class ActionItemFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ActionItem.Status.choices, label=_("status"))
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("owner"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    meeting = django_filters.ModelChoiceFilter(queryset=JointMeeting.objects.all(), label=_("meeting"))
    # A choice, not a BooleanFilter: that one silently ignores "maybe" instead of answering 400.
    overdue = django_filters.ChoiceFilter(
        choices=[("true", _("overdue")), ("false", _("not overdue"))], method="filter_overdue", label=_("overdue")
    )
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("due from"))
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("due until"))

    class Meta:
        model = ActionItem
        fields = ["status", "owner", "department", "meeting", "overdue", "due_from", "due_to"]

    def filter_overdue(self, queryset, name, value):
        """Overdue: still open and due before today (company calendar date)."""
        today = getattr(self, "today", None) or timezone.localdate()
        overdue = queryset.filter(status=ActionItem.Status.OPEN, due_on__lt=today)
        if value == "true":
            return overdue
        if value == "false":
            return queryset.exclude(pk__in=overdue.values("pk"))
        return queryset
