"""Admin: outlets (master data), with the same rule on assigned reps as the import."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import Outlet
from ..permissions import FIELD_SALES_ROLES
from ..services.outlets import outlet_rep_errors


class OutletAdminForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["code", "name", "channel", "region", "active", "address", "latitude", "longitude", "reps"]

    def clean(self):
        cleaned = super().clean()
        region, reps = cleaned.get("region"), cleaned.get("reps")
        if region is not None and reps:
            reps = reps.select_related("region").prefetch_related("groups")
            for message in outlet_rep_errors(region=region, reps=reps):
                self.add_error("reps", message)
        return cleaned


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    form = OutletAdminForm
    list_display = ["code", "name", "channel", "region", "address", "active"]
    list_filter = ["channel", "active", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name", "address"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["reps"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "channel", "region", "active"]}),
        (_("Address"), {"fields": ["address", ("latitude", "longitude")]}),
        (_("Assigned reps"), {"fields": ["reps"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "reps":
            # Only field sales can be assigned; the form's clean() checks their territory holds the outlet.
            kwargs["queryset"] = (
                User.objects.filter(is_active=True, groups__name__in=[str(role) for role in FIELD_SALES_ROLES])
                .distinct()
                .order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
