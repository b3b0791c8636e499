"""FilterSets of approvals (the API documents them; selectors apply them)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import PromotionOrigin

from .models import ApprovalStep, StepKind


class StepFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StepKind.choices, label=_("kind"))
    origin = django_filters.ChoiceFilter(
        field_name="flow__promotion__origin", choices=PromotionOrigin.choices, label=_("origin")
    )
    # A choice, not a BooleanFilter: that one silently ignores "maybe" instead of answering 400.
    overdue = django_filters.ChoiceFilter(
        choices=[("true", _("overdue")), ("false", _("not overdue"))], method="filter_overdue", label=_("overdue")
    )

    class Meta:
        model = ApprovalStep
        fields = ["kind", "origin", "overdue"]

    def filter_overdue(self, queryset, name, value):
        now = getattr(self, "now", None) or timezone.now()
        if value in (None, ""):
            return queryset
        return queryset.filter(due_at__lt=now) if value == "true" else queryset.filter(due_at__gte=now)
