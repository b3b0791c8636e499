"""What the data migrations leave in a fresh database: the departments and each role's exact permissions."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import Department

pytestmark = pytest.mark.django_db


def test_the_four_departments_exist():
    assert set(Department.objects.values_list("code", flat=True)) == {"marketing", "sales", "hr", "management"}


def test_each_role_group_has_exactly_its_accounts_permissions():
    granted = {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.all()
            if p.content_type.app_label == "accounts"
        }
        for group in Group.objects.prefetch_related("permissions__content_type")
    }

    base = {"accounts.view_region", "accounts.view_department"}
    # Deciders may hand their approval steps to a delegate while away (granted by approvals/0002).
    delegate = {"accounts.add_delegation", "accounts.view_delegation"}
    assert granted == {
        "marketing_staff": base,
        "marketing_manager": base | {"accounts.view_user"} | delegate,
        "sales_rep": base,
        "sales_manager": base | {"accounts.view_team"} | delegate,
        "sales_director": base | {"accounts.view_user"} | delegate,
        "general_manager": base | {"accounts.view_user"} | delegate,
        "hr": base | {"accounts.view_user"},
    }
