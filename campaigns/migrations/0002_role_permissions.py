"""Grant the roles their campaigns permissions (admin and Django's permission checks; pages ask campaigns.permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MASTER_DATA = ["campaigns.view_product", "campaigns.view_productcategory", "campaigns.view_brand"]
MARKETING = [
    *MASTER_DATA,
    "campaigns.add_marketingplan",
    "campaigns.change_marketingplan",
    "campaigns.view_marketingplan",
    "campaigns.view_planversion",
    "campaigns.view_planacknowledgement",
    "campaigns.add_plancomment",
    "campaigns.view_plancomment",
    "campaigns.add_briefing",
    "campaigns.change_briefing",
    "campaigns.view_briefing",
    "campaigns.add_salestarget",
    "campaigns.change_salestarget",
    "campaigns.view_salestarget",
    "campaigns.add_promotion",
    "campaigns.change_promotion",
    "campaigns.view_promotion",
]
SALES_FIELD = [
    *MASTER_DATA,
    "campaigns.view_marketingplan",
    "campaigns.add_planacknowledgement",
    "campaigns.add_plancomment",
    "campaigns.view_plancomment",
    "campaigns.view_briefing",
    "campaigns.view_salestarget",
    "campaigns.add_promotion",
    "campaigns.change_promotion",
    "campaigns.view_promotion",
]

# Frozen here on purpose (see accounts/migrations/0002): migrations never import live code.
CAMPAIGNS_PERMISSIONS = {
    "marketing_staff": MARKETING,
    "marketing_manager": [*MARKETING, "campaigns.publish_marketingplan"],
    "sales_rep": SALES_FIELD,
    "sales_manager": [*SALES_FIELD, "campaigns.change_salestarget", "campaigns.view_planacknowledgement"],
    "sales_director": [*MASTER_DATA, "campaigns.view_marketingplan", "campaigns.view_salestarget",
                       "campaigns.view_promotion", "campaigns.view_planacknowledgement"],
    "general_manager": [*MASTER_DATA, "campaigns.view_marketingplan", "campaigns.view_salestarget",
                        "campaigns.view_promotion", "campaigns.view_planacknowledgement"],
    "hr": [*MASTER_DATA, "campaigns.view_salestarget"],
}


def grant_permissions(apps, grants):
    for app_config in apps.get_app_configs():
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
    grant_permissions(apps, CAMPAIGNS_PERMISSIONS)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(CAMPAIGNS_PERMISSIONS)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="campaigns"))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("accounts", "0002_roles_and_departments"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
