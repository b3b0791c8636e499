from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, Delegation, Department, Notification, Region, User
from .services import region_save


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]


class RegionAdminForm(admin.ModelAdmin.form):
    def _post_clean(self):
        super()._post_clean()
        # Tree rules (kind under parent, no cycles) live in the service; show its messages on the form's fields.
        from .services import region_validate_tree

        try:
            region_validate_tree(region=self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionAdminForm
    list_display = ["code", "name", "name_en", "kind", "parent", "path"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]
    ordering = ["path"]

    def save_model(self, request, obj, form, change):
        region_save(region=obj)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("department", "region", "manager", "phone", "language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Organisation"),
            {"fields": ("first_name", "last_name", "email", "department", "region", "manager", "groups")},
        ),
    )
    list_display = ["username", "display_name", "department", "region", "manager", "is_active", "is_staff"]
    list_filter = [*DjangoUserAdmin.list_filter, "department", "region"]
    list_select_related = ["department", "region", "manager"]
    autocomplete_fields = ["manager", "region"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]

    @admin.display(description=_("name"))
    def display_name(self, obj: User) -> str:
        return obj.display_name


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username", "key"]
    readonly_fields = ["recipient", "kind", "key", "title", "body", "url", "created_at", "read_at", "emailed_at"]

    def has_add_permission(self, request):
        return False


class CalendarYearFilter(admin.SimpleListFilter):
    """The company calendar is kept a year at a time (the State Council publishes each year's holidays)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        return queryset.filter(date__year=int(self.value())) if self.value() else queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Holidays on weekdays and worked weekend days (make-up days); every other day follows Monday to Friday. SLA
    clocks and "working days" everywhere read this."""

    list_display = ["date", "weekday", "is_working_day", "name"]
    list_filter = [CalendarYearFilter, "is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"
    ordering = ["date"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["delegator", "delegate", "starts_on", "ends_on", "reason", "created_at"]
    list_filter = ["starts_on"]
    list_select_related = ["delegator", "delegate"]
    search_fields = ["delegator__username", "delegate__username", "reason"]
    autocomplete_fields = ["delegator", "delegate"]
    date_hierarchy = "starts_on"
