"""Admin of the intel feed: read-only. Items are written by report submission; marketing acknowledges and answers
them through the feed (``feedback.services.intel``), which notifies the rep — an edit here would not."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import IntelItem


@admin.register(IntelItem)
class IntelItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "section", "rep", "region", "date", "answered", "superseded"]
    list_filter = ["section", "superseded", ("answered_at", admin.EmptyFieldListFilter)]
    list_select_related = ["rep", "region"]
    search_fields = ["text", "answer", "rep__username"]
    date_hierarchy = "date"
    ordering = ["-submitted_at", "-id"]

    @admin.display(boolean=True, description=_("answered"), ordering="answered_at")
    def answered(self, item: IntelItem) -> bool:
        return item.answered_at is not None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
