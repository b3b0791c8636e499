"""Admin: promotions with their attachments. Status changes belong to the approval workflow, not the admin."""

from django.contrib import admin

from ..models import Promotion, PromotionAttachment, PromotionCost


class PromotionAttachmentInline(admin.TabularInline):
    model = PromotionAttachment
    extra = 0
    fields = ["name", "file", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        # Uploads go through campaigns.services.promotions (type and size checks).
        return False


class PromotionCostInline(admin.TabularInline):
    """Costs are booked by sales through the promotion's cost service (only on approved promotions, over budget
    flagged); a booking is never edited, so the admin only shows them."""

    model = PromotionCost
    extra = 0
    can_delete = False
    fields = ["spent_on", "category", "amount", "description", "booked_by", "total_after", "over_budget", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PromotionCost)
class PromotionCostAdmin(admin.ModelAdmin):
    list_display = ["promotion", "spent_on", "category", "amount", "total_after", "over_budget", "booked_by"]
    list_filter = ["over_budget", "category"]
    list_select_related = ["promotion", "booked_by"]
    search_fields = ["promotion__title", "description"]
    date_hierarchy = "spent_on"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["title", "origin", "type", "status", "starts_on", "ends_on", "owner", "created_by", "budget"]
    list_filter = ["status", "origin", "type", "starts_on"]
    list_select_related = ["owner", "created_by"]
    search_fields = ["title", "mechanics"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["products", "regions", "responsible"]
    raw_id_fields = ["owner", "created_by", "plan"]
    readonly_fields = ["status", "origin", "created_by", "created_at", "updated_at"]
    inlines = [PromotionAttachmentInline, PromotionCostInline]
