"""Create the four departments and the role groups of DESIGN §2 with their foundation permissions."""

from django.db import migrations

from accounts.roles import grant_permissions

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
