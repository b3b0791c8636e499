"""Reads of daily reports: the list a user may see (filtered), one report for a user, and a report's sections."""

from dataclasses import dataclass, field

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User

from ..models import SECTION_MODELS, DailyReport, IntelItem, ReportAmendment, ReportLine, ReportStatus
from ..permissions import reports_visible_q


class DailyReportFilter(django_filters.FilterSet):
    rep = django_filters.ModelChoiceFilter(queryset=User.objects.all(), help_text=_("Only this rep's reports (id)."))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        help_text=_("Reports filed in this region or below (id)."),
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text=_("From this day (YYYY-MM-DD).")
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text=_("Up to this day (YYYY-MM-DD).")
    )
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = DailyReport
        fields = ["rep", "region", "date_from", "date_to", "status"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


def _visible(user: User) -> QuerySet[DailyReport]:
    return DailyReport.objects.filter(reports_visible_q(user))


def report_list(*, user: User, filters: dict | None = None) -> QuerySet[DailyReport]:
    """The reports ``user`` may see, newest day first, with rep and region; constant queries whatever the count."""
    filterset = DailyReportFilter(filters or {}, queryset=_visible(user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    # The amendment count as a correlated subquery, not a JOIN + GROUP BY: it is computed for the page's rows only,
    # and the paginator's COUNT(*) leaves it out (a grouped count would aggregate every visible report first).
    amendments = (
        ReportAmendment.objects.filter(report=OuterRef("pk")).order_by().values("report").annotate(n=Count("pk"))
    )
    return (
        filterset.qs.select_related("rep", "region")
        .annotate(amendment_count=Coalesce(Subquery(amendments.values("n")), 0))
        .order_by("-date", "rep__username", "-id")
    )


def report_get_for_user(*, user: User, pk, for_update: bool = False) -> DailyReport:
    """One report ``user`` may see, else ``Http404`` (a report one may not see looks like one that does not exist)."""
    queryset = _visible(user).select_related("rep", "region")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.annotate(amendment_count=Count("amendments")).get(pk=pk)
    except (DailyReport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such report.")) from None


def report_detail(*, user: User, pk) -> DailyReport:
    """``report_get_for_user`` with amendments and the intel answers prefetched (for the detail page and API)."""
    report = report_get_for_user(user=user, pk=pk)
    prefetch_related_objects(
        [report],
        Prefetch("amendments", queryset=ReportAmendment.objects.select_related("author").order_by("created_at", "pk")),
        Prefetch("intel_items", queryset=IntelItem.objects.select_related("answered_by").order_by("pk")),
    )
    return report


@dataclass
class SectionView:
    """One section of a report as it reads now: current lines, lines replaced by amendments, the marker."""

    key: str
    label: str
    lines: list[ReportLine] = field(default_factory=list)
    replaced: list[ReportLine] = field(default_factory=list)
    nothing_to_report: bool = False

    @property
    def missing(self) -> bool:
        return not self.lines and not self.nothing_to_report


_RELATED = ("outlet", "product", "promotion", "brand", "region", "photo")


def _current_nothing(report: DailyReport) -> set[str]:
    """Sections marked "nothing to report" now: the report's marks, then each amendment in order re-decides the
    sections it corrects."""
    nothing = set(report.nothing_to_report)
    for amendment in report.amendments.all():
        for key in amendment.sections:
            if key in amendment.nothing_to_report:
                nothing.add(key)
            else:
                nothing.discard(key)
    return nothing


def report_sections(*, report: DailyReport) -> dict[str, SectionView]:
    """All nine sections of ``report`` in page order, with the names the lines point at: one query per section.

    ``report.amendments`` should be prefetched (``report_detail`` does).
    """
    nothing = _current_nothing(report)
    views = {}
    for key, model in SECTION_MODELS.items():
        related = [name for name in _RELATED if any(f.name == name for f in model._meta.get_fields())]
        view = SectionView(key=key, label=str(model.section.label), nothing_to_report=key in nothing)
        for line in (
            model.objects.filter(report=report)
            .select_related(*related)
            .order_by(F("amendment_id").asc(nulls_first=True), "position", "pk")
        ):
            (view.replaced if line.superseded_by_id else view.lines).append(line)
        views[key] = view
    return views
