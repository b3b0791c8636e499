"""Admin: promotions with their attachments. Status changes belong to the approval workflow, not the admin."""

from django.contrib import admin

from ..models import Promotion, PromotionAttachment


class PromotionAttachmentInline(admin.TabularInline):
    model = PromotionAttachment
    extra = 0
    fields = ["name", "file", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["size", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        # Uploads go through campaigns.services.promotions (type and size checks).
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
    inlines = [PromotionAttachmentInline]
