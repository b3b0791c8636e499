"""Admin of joint meetings and action items (imported by coordination.admin)."""

from django.contrib import admin

from .models import ActionItem, JointMeeting


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fk_name = "meeting"
    extra = 0
    fields = ["title", "owner", "department", "due_on", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["owner"]
    show_change_link = True


@admin.register(JointMeeting)
class JointMeetingAdmin(admin.ModelAdmin):
    list_display = ["month", "date", "location", "status", "created_by"]
    list_select_related = ["created_by"]
    list_filter = ["status"]
    date_hierarchy = "month"
    search_fields = ["location", "agenda", "minutes"]
    filter_horizontal = ["attendees"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [ActionItemInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            if not item.created_by_id:
                item.created_by = request.user
            item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "department", "due_on", "status", "meeting"]
    list_filter = ["status", "department", ("due_on", admin.DateFieldListFilter)]
    search_fields = ["title", "description", "outcome", "owner__username", "owner__first_name", "owner__last_name"]
    list_select_related = ["owner", "department", "meeting"]
    autocomplete_fields = ["owner", "meeting"]
    readonly_fields = ["status", "closed_at", "closed_by", "created_by", "created_at", "updated_at"]
    date_hierarchy = "due_on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
