from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import chat
from .models import (
    CalendarDay,
    ChatWebhook,
    Delegation,
    DeliveryStatus,
    Department,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    Region,
    User,
)
from .notifications import deliveries_send_again
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


class NotificationDeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    fields = ["channel", "webhook", "status", "attempts", "last_error", "created_at", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__username", "key"]
    readonly_fields = ["recipient", "kind", "key", "title", "body", "url", "created_at", "read_at"]
    inlines = [NotificationDeliveryInline]

    def has_add_permission(self, request):
        return False


class ChatWebhookForm(forms.ModelForm):
    """The signing secret is write-only: never shown back; left empty on a change, it keeps the saved one."""

    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "DingTalk and Feishu: the robot's signing secret, when signing is switched on. WeCom: leave empty. "
            "Never shown again; leave empty to keep the saved one."
        ),
    )
    url = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https")
    clear_secret = forms.BooleanField(label=_("remove the signing secret"), required=False)
    kinds = forms.TypedMultipleChoiceField(
        label=_("kinds"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these kinds of notification. None ticked: all kinds."),
    )

    class Meta:
        model = ChatWebhook
        fields = ["name", "provider", "url", "secret", "clear_secret", "department", "region", "kinds", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("clear_secret"):
            cleaned["secret"] = ""
        elif not cleaned.get("secret") and self.instance.pk:
            cleaned["secret"] = ChatWebhook.objects.filter(pk=self.instance.pk).values_list("secret", flat=True).first()
        return cleaned


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin):
    form = ChatWebhookForm
    list_display = ["name", "provider", "department", "region", "kinds_display", "signed", "is_active", "created_at"]
    list_filter = ["provider", "is_active", "department", "region"]
    list_select_related = ["department", "region"]
    search_fields = ["name", "url"]
    autocomplete_fields = ["region"]
    actions = ["send_test_message"]

    @admin.display(description=_("kinds"))
    def kinds_display(self, obj: ChatWebhook) -> str:
        if not obj.kinds:
            return gettext("all")
        labels = dict(NotificationKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.kinds)

    @admin.display(description=_("signed"), boolean=True)
    def signed(self, obj: ChatWebhook) -> bool:
        return bool(obj.secret)

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request, queryset):
        message = chat.ChatMessage(
            title=gettext("Test message from Coordination"),
            body=gettext("If you read this, the group robot is set up right."),
        )
        for webhook in queryset:
            try:
                chat.post(webhook, message)
            except chat.ChatError as error:
                self.message_user(
                    request,
                    gettext("%(name)s: not delivered: %(error)s") % {"name": webhook.name, "error": error},
                    messages.ERROR,
                )
            else:
                self.message_user(request, gettext("%(name)s: test message delivered.") % {"name": webhook.name})


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "recipient", "channel", "webhook", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "webhook"]
    list_select_related = ["notification__recipient", "webhook"]
    search_fields = ["notification__recipient__username", "notification__recipient__email", "notification__key"]
    readonly_fields = [
        "notification",
        "channel",
        "webhook",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["send_again"]
    date_hierarchy = "created_at"

    @admin.display(description=_("recipient"), ordering="notification__recipient__username")
    def recipient(self, obj: NotificationDelivery) -> str:
        return str(obj.notification.recipient)

    @admin.action(description=_("Send again (failed deliveries)"))
    def send_again(self, request, queryset):
        count = deliveries_send_again(
            delivery_ids=queryset.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True)
        )
        self.message_user(request, gettext("%(count)d failed deliveries queued again.") % {"count": count})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """People set their own choices on their settings page; the admin only looks (and may remove a row)."""

    list_display = ["user", "kind", "email", "chat"]
    list_filter = ["kind", "email", "chat"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "kind", "email", "chat"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task_name", "created_at", "published_at", "attempts", "last_error"]
    list_filter = ["task_name", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name"]
    readonly_fields = ["task_name", "args", "kwargs", "created_at", "published_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
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
