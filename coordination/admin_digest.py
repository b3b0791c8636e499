"""Admin of the monthly digest (imported by coordination.admin): read-only — a digest is frozen when built; the
one action sends it to the recipients not reached yet."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Digest, DigestRecipient
from .services.digest import digest_send_reporting


class DigestRecipientInline(admin.TabularInline):
    model = DigestRecipient
    extra = 0
    fields = ["user", "version", "language", "sent_at", "attempts", "last_error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["month", "version", "built_at", "build_seconds"]
    date_hierarchy = "month"
    fields = ["month", "version", "built_at", "build_seconds", "content"]
    readonly_fields = fields
    inlines = [DigestRecipientInline]
    actions = ["send_to_unsent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send to the recipients not reached yet"))
    def send_to_unsent(self, request, queryset):
        sent = 0
        for digest in queryset:
            done, failed = digest_send_reporting(digest)
            sent += done
            if failed:
                self.message_user(
                    request, ngettext("%d e-mail failed.", "%d e-mails failed.", failed) % failed, messages.WARNING
                )
        self.message_user(request, ngettext("%d e-mail sent.", "%d e-mails sent.", sent) % sent)
