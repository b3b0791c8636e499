"""Create the four departments and the role groups of DESIGN §2 with their foundation permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DEPARTMENTS = ["marketing", "sales", "hr", "management"]

# Frozen here on purpose: later apps grant their own permissions in their own migrations.
FOUNDATION_PERMISSIONS = {
    "marketing_staff": ["accounts.view_region", "accounts.view_department"],
    "marketing_manager": ["accounts.view_region", "accounts.view_department", "accounts.view_user"],
    "sales_rep": ["accounts.view_region", "accounts.view_department"],
    "sales_manager": ["accounts.view_region", "accounts.view_department", "accounts.view_team"],
    "sales_director": ["accounts.view_region", "accounts.view_department", "accounts.view_user"],
    "general_manager": ["accounts.view_region", "accounts.view_department", "accounts.view_user"],
    "hr": ["accounts.view_region", "accounts.view_department", "accounts.view_user"],
}


def grant_permissions(apps, grants):
    """Create the role groups and add the permissions (a frozen copy: migrations never import live code)."""
    for app_config in apps.get_app_configs():
        # Permissions are normally created after all migrations (post_migrate); this migration needs them now.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in grants.items():
        group, _created = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def forwards(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code in DEPARTMENTS:
        Department.objects.get_or_create(code=code)
    grant_permissions(apps, FOUNDATION_PERMISSIONS)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=list(FOUNDATION_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
