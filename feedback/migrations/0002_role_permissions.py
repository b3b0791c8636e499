"""Grant the roles their feedback permissions (admin and Django's permission checks; pages ask feedback.permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_FIELD = ["feedback.view_outlet", "feedback.view_dailyreport", "feedback.view_intelitem", "feedback.view_alert"]
MARKETING = [
    *READ_FIELD,
    "feedback.view_photo",
    "feedback.change_intelitem",
    "feedback.change_alert",
    "feedback.view_alertrule",
]
SALES_FIELD = [
    "feedback.view_outlet",
    "feedback.view_dailyreport",
    "feedback.add_dailyreport",
    "feedback.change_dailyreport",
    "feedback.add_reportamendment",
    "feedback.add_photo",
    "feedback.view_photo",
    "feedback.view_intelitem",
]

# Frozen here on purpose (see accounts/migrations/0002): migrations never import live code.
FEEDBACK_PERMISSIONS = {
    "marketing_staff": MARKETING,
    "marketing_manager": [*MARKETING, "feedback.add_alertrule", "feedback.change_alertrule"],
    "sales_rep": SALES_FIELD,
    "sales_manager": [*SALES_FIELD, "feedback.view_alert"],
    "sales_director": READ_FIELD,
    "general_manager": READ_FIELD,
    "hr": [],
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
    grant_permissions(apps, FEEDBACK_PERMISSIONS)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(FEEDBACK_PERMISSIONS)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="feedback"))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("campaigns", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
