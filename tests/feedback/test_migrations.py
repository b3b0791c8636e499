"""feedback's data migration grants each role exactly its feedback permissions (the admin and has_perm use them)."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

READ_FIELD = {"feedback.view_outlet", "feedback.view_dailyreport", "feedback.view_intelitem", "feedback.view_alert"}
MARKETING = READ_FIELD | {
    "feedback.view_photo",
    "feedback.change_intelitem",
    "feedback.change_alert",
    "feedback.view_alertrule",
}
SALES_FIELD = {
    "feedback.view_outlet",
    "feedback.view_dailyreport",
    "feedback.add_dailyreport",
    "feedback.change_dailyreport",
    "feedback.add_reportamendment",
    "feedback.add_photo",
    "feedback.view_photo",
    "feedback.view_intelitem",
}


def test_each_role_has_exactly_its_feedback_permissions():
    granted = {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.all()
            if p.content_type.app_label == "feedback"
        }
        for group in Group.objects.prefetch_related("permissions__content_type")
    }

    assert granted == {
        "marketing_staff": MARKETING,
        "marketing_manager": MARKETING | {"feedback.add_alertrule", "feedback.change_alertrule"},
        "sales_rep": SALES_FIELD,
        "sales_manager": SALES_FIELD | {"feedback.view_alert"},
        "sales_director": READ_FIELD,
        "general_manager": READ_FIELD,
        "hr": set(),  # HR reads KPI figures, never raw reports or photos (DESIGN §2)
    }
