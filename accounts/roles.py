"""The roles of DESIGN §2. Each role is a Django group of the same name; permissions are granted by data migrations.

Each app grants its permissions to the roles in its own data migrations (``grant_permissions``), so a fresh
database and an upgraded one end up the same. Code asks "may this user ...?" through each app's
``permissions.py``, which reads roles from here, never group names spelled out in views.
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


def grant_permissions(apps, grants: dict[str, list[str]]) -> None:
    """Create the role groups if missing and add the named permissions to them (idempotent).

    For data migrations: ``apps`` is the migration's historical registry. Permissions are normally created
    after all migrations ran (post_migrate), so this creates the ones it needs first.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
