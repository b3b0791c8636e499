"""The Django admin's branding (the models' admin classes live in their apps)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Coordination administration")
admin.site.site_title = _("Coordination administration")
admin.site.index_title = _("Master data, users and schedules")

from . import admin_digest, admin_kpis, admin_meetings  # noqa: E402,F401
