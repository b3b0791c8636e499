"""Admin: field photos, read-only (they are evidence; uploads go through the app)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Photo


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["uuid", "uploaded_by", "region", "created_at", "taken_at", "size", "reused"]
    list_filter = [("reused_from", admin.EmptyFieldListFilter), "content_type", "region"]
    list_select_related = ["uploaded_by", "region"]
    search_fields = ["uuid", "uploaded_by__username", "sha256", "dhash"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Photo._meta.fields]

    @admin.display(boolean=True, description=_("re-used"))
    def reused(self, photo: Photo) -> bool:
        return photo.reused_from_id is not None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
