"""Admin: daily reports are read here, never edited (DESIGN §2: a correction is an amendment, made by the rep)."""

from django.contrib import admin

from ..models import SECTION_MODELS, DailyReport, PromotionOutlet, ReportAmendment


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _line_inline(model):
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "report")]
    return type(
        f"{model.__name__}Inline",
        (_ReadOnlyInline,),
        {"model": model, "fields": fields, "readonly_fields": fields},
    )


class AmendmentInline(_ReadOnlyInline):
    model = ReportAmendment
    fields = readonly_fields = ["author", "reason", "sections", "nothing_to_report", "created_at"]


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ["date", "rep", "region", "status", "submitted_at", "on_time"]
    list_filter = ["status", "on_time", "date"]
    list_select_related = ["rep", "region"]
    search_fields = ["rep__username", "rep__first_name", "rep__last_name", "client_uuid"]
    date_hierarchy = "date"
    inlines = [AmendmentInline, *(_line_inline(model) for model in SECTION_MODELS.values())]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the view page stays open (view permission); nothing is saved from here


@admin.register(PromotionOutlet)
class PromotionOutletAdmin(admin.ModelAdmin):
    """Which outlets a promotion targets (a promotion without any runs in every outlet of its regions)."""

    list_display = ["promotion", "outlet"]
    list_select_related = ["promotion", "outlet"]
    search_fields = ["promotion__title", "outlet__code", "outlet__name"]
    raw_id_fields = ["promotion", "outlet"]
