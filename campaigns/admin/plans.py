"""Admin: marketing plans (read-mostly: plans are written in the app's editor, where the lifecycle rules apply)."""

from django.contrib import admin

from ..models import (
    Briefing,
    BriefingAttendance,
    MarketingPlan,
    PlanAcknowledgement,
    PlanComment,
    PlanSection,
    PlanVersion,
)


class PlanSectionInline(admin.StackedInline):
    model = PlanSection
    extra = 0
    can_delete = False
    max_num = 5


class PlanVersionInline(admin.TabularInline):
    model = PlanVersion
    extra = 0
    can_delete = False
    fields = ["number", "published_at", "published_by", "change_note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MarketingPlan)
class MarketingPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "quarter", "month", "region", "owner", "status", "updated_at"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["title"]
    list_select_related = ["region", "owner"]
    raw_id_fields = ["owner"]
    # Status and versions change only through the lifecycle (campaigns.services.plans).
    readonly_fields = ["status", "published_version", "created_at", "updated_at"]
    inlines = [PlanSectionInline, PlanVersionInline]


@admin.register(PlanAcknowledgement)
class PlanAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["version", "user", "acknowledged_at"]
    list_select_related = ["version__plan", "user"]
    search_fields = ["user__username", "version__plan__title"]
    readonly_fields = ["version", "user", "acknowledged_at"]


@admin.register(PlanComment)
class PlanCommentAdmin(admin.ModelAdmin):
    list_display = ["plan", "author", "created_at", "parent"]
    list_select_related = ["plan", "author"]
    search_fields = ["body", "plan__title", "author__username"]
    raw_id_fields = ["plan", "parent", "author", "version"]


class BriefingAttendanceInline(admin.TabularInline):
    model = BriefingAttendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "starts_at", "location", "organizer"]
    list_select_related = ["plan", "organizer"]
    search_fields = ["title", "plan__title"]
    raw_id_fields = ["plan", "organizer"]
    inlines = [BriefingAttendanceInline]
