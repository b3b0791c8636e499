"""campaigns' data migration grants each role exactly its campaigns permissions (the admin and has_perm use them)."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

MASTER = {"campaigns.view_product", "campaigns.view_productcategory", "campaigns.view_brand"}
MARKETING = MASTER | {
    f"campaigns.{codename}"
    for codename in [
        "add_marketingplan",
        "change_marketingplan",
        "view_marketingplan",
        "view_planversion",
        "view_planacknowledgement",
        "add_plancomment",
        "view_plancomment",
        "add_briefing",
        "change_briefing",
        "view_briefing",
        "add_salestarget",
        "change_salestarget",
        "view_salestarget",
        "add_promotion",
        "change_promotion",
        "view_promotion",
    ]
}
SALES_FIELD = MASTER | {
    f"campaigns.{codename}"
    for codename in [
        "view_marketingplan",
        "add_planacknowledgement",
        "add_plancomment",
        "view_plancomment",
        "view_briefing",
        "view_salestarget",
        "add_promotion",
        "change_promotion",
        "view_promotion",
    ]
}
READERS = MASTER | {
    "campaigns.view_marketingplan",
    "campaigns.view_salestarget",
    "campaigns.view_promotion",
    "campaigns.view_planacknowledgement",
}


def test_each_role_has_exactly_its_campaigns_permissions():
    granted = {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.all()
            if p.content_type.app_label == "campaigns"
        }
        for group in Group.objects.prefetch_related("permissions__content_type")
    }
    # Promotion costs: everyone who follows promotions reads them, the field books them (approvals/0002).
    costs = {"campaigns.view_promotioncost"}
    booking = costs | {"campaigns.add_promotioncost"}
    assert granted == {
        "marketing_staff": MARKETING | costs,
        "marketing_manager": MARKETING | {"campaigns.publish_marketingplan"} | costs,
        "sales_rep": SALES_FIELD | booking,
        "sales_manager": SALES_FIELD | {"campaigns.change_salestarget", "campaigns.view_planacknowledgement"} | booking,
        "sales_director": READERS | costs,
        "general_manager": READERS | costs,
        "hr": MASTER | {"campaigns.view_salestarget"},
    }
