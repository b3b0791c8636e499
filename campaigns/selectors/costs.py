"""Reads of promotion costs, always through a promotion the user may see (``promotion_get_for_user``: 404
otherwise). Whoever sees an agreed promotion reads its costs — sales, marketing, the director and the GM; HR sees
no promotion. Totals are summed in the database.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import CostCategory, Promotion, PromotionCost
from .promotions import promotion_get_for_user


class CostFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=CostCategory.choices, label=_("category"))
    spent_from = django_filters.DateFilter(field_name="spent_on", lookup_expr="gte", label=_("spent from"))
    spent_to = django_filters.DateFilter(field_name="spent_on", lookup_expr="lte", label=_("spent until"))
    booked_by = django_filters.NumberFilter(field_name="booked_by", label=_("booked by (user id)"))

    class Meta:
        model = PromotionCost
        fields = ["category", "spent_from", "spent_to", "booked_by"]


def promotion_costs(*, promotion: Promotion, filters: dict | None = None) -> QuerySet[PromotionCost]:
    """The bookings of ``promotion`` in the order they were made, with who booked them (one query).
    Invalid filters raise ``ValidationError`` (a message per field)."""
    queryset = PromotionCost.objects.filter(promotion=promotion)
    if filters:
        filterset = CostFilter(filters, queryset=queryset)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
    return queryset.select_related("booked_by").order_by("created_at", "id")


def cost_list_for_user(*, user: User, promotion_pk: int, filters: dict | None = None) -> QuerySet[PromotionCost]:
    """The costs of a promotion ``user`` may see; ``Http404`` when they may not see the promotion."""
    promotion = promotion_get_for_user(user=user, pk=promotion_pk)
    return promotion_costs(promotion=promotion, filters=filters)


@dataclass(frozen=True)
class CostTotals:
    total: Decimal
    count: int
    budget: Decimal
    by_category: dict[str, Decimal]

    @property
    def pct_of_budget(self) -> Decimal | None:
        """The total as a percentage of the budget (one decimal); None without a budget."""
        if not self.budget:
            return None
        return (self.total * 100 / self.budget).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def over_budget(self) -> bool:
        return self.total > self.budget

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.total


def promotion_cost_totals(*, promotion: Promotion) -> CostTotals:
    """Total booked, number of bookings and the total per category — one query."""
    per_category = {f"cat_{key}": Sum("amount", filter=Q(category=key)) for key in CostCategory.values}
    row = PromotionCost.objects.filter(promotion=promotion).aggregate(
        total=Sum("amount"), count=Count("id"), **per_category
    )
    cent = Decimal("0.01")  # SQLite sums decimals without their scale
    return CostTotals(
        total=(row["total"] or Decimal(0)).quantize(cent),
        count=row["count"],
        budget=promotion.budget,
        by_category={
            key: row[f"cat_{key}"].quantize(cent) for key in CostCategory.values if row[f"cat_{key}"] is not None
        },
    )
