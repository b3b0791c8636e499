"""Grant the roles their approvals permissions (admin and Django's permission checks; pages ask
approvals.permissions) and create the two company-wide default rules managers then edit."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = [
    "approvals.view_approvalflow",
    "approvals.view_approvalstep",
    "approvals.view_approvalevent",
    "approvals.view_executabilityrating",
    "campaigns.view_promotioncost",
]
DECIDE = [*READ, "approvals.change_approvalstep", "accounts.add_delegation", "accounts.view_delegation"]
SALES_FIELD = [*READ, "campaigns.add_promotioncost", "approvals.add_executabilityrating"]

# Frozen here on purpose (see accounts/migrations/0002): migrations never import live code.
APPROVALS_PERMISSIONS = {
    "marketing_staff": [*READ, "approvals.view_approvalrule"],
    "marketing_manager": [*DECIDE, "approvals.view_approvalrule", "approvals.add_approvalrule", "approvals.change_approvalrule"],
    "sales_rep": SALES_FIELD,
    "sales_manager": [*SALES_FIELD, "approvals.change_approvalstep", "accounts.add_delegation", "accounts.view_delegation"],
    "sales_director": [*DECIDE, "approvals.view_approvalrule"],
    "general_manager": [*DECIDE, "approvals.view_approvalrule"],
    "hr": [],
}

DEFAULT_RULES = [
    ("Marketing proposals (company-wide)", "marketing"),
    ("Sales requests (company-wide)", "sales"),
]


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
    grant_permissions(apps, APPROVALS_PERMISSIONS)
    ApprovalRule = apps.get_model("approvals", "ApprovalRule")
    for name, origin in DEFAULT_RULES:
        if not ApprovalRule.objects.filter(origin=origin, region__isnull=True, active=True).exists():
            ApprovalRule.objects.create(
                name=name,
                origin=origin,
                director_threshold=Decimal("50000"),
                gm_threshold=Decimal("200000"),
                consultation_hours=16,
                endorsement_hours=8,
                review_hours=24,
                decision_hours=16,
            )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = {p for grants in APPROVALS_PERMISSIONS.values() for p in grants}
    for group in Group.objects.filter(name__in=list(APPROVALS_PERMISSIONS)):
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("accounts", "0004_calendar_and_delegation"),
        ("campaigns", "0003_promotion_cost"),
        ("feedback", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
