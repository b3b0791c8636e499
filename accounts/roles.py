"""The roles of DESIGN §2. Each role is a Django group of the same name; permissions are granted by data migrations.

Each app grants its permissions to the roles in its own data migrations (see accounts/migrations/0002 for the
pattern; migrations keep a frozen copy of the helper), so a fresh database and an upgraded one end up the same.
Code asks "may this user ...?" through each app's ``permissions.py``, which reads roles from here, never group
names spelled out in views.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MARKETING_STAFF = "marketing_staff", _("Marketing staff")
    MARKETING_MANAGER = "marketing_manager", _("Marketing manager")
    SALES_REP = "sales_rep", _("Sales representative")
    SALES_MANAGER = "sales_manager", _("Regional sales manager")
    SALES_DIRECTOR = "sales_director", _("Sales director")
    GENERAL_MANAGER = "general_manager", _("General manager")
    HR = "hr", _("Human resources")


MARKETING_ROLES = frozenset({Role.MARKETING_STAFF, Role.MARKETING_MANAGER})
SALES_ROLES = frozenset({Role.SALES_REP, Role.SALES_MANAGER, Role.SALES_DIRECTOR})
# Roles that read across the whole company rather than a region subtree.
COMPANY_WIDE_ROLES = frozenset(
    {Role.MARKETING_STAFF, Role.MARKETING_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER, Role.HR}
)
