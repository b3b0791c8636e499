"""Demo data of campaigns, one module per area, seeded in dependency order by ``seed_campaigns_demo``."""

from django.db import transaction
from django.utils import timezone

from .master import seed_master_data
from .plans import seed_plans
from .promotions import seed_promotions
from .targets import seed_targets


@transaction.atomic
def seed_campaigns_demo() -> dict[str, int]:
    """Products and brands, East's plans (annual and monthly published, one draft) with the year's targets, and
    four promotions. Needs the demo accounts. Idempotent: returns how many of each were created now."""
    created = dict(seed_master_data())
    plans, created["plans"] = seed_plans()
    created["targets"] = seed_targets(plan=plans["annual"], year=timezone.localdate().year, region_code="EAST")
    created["promotions"] = seed_promotions()
    return created
