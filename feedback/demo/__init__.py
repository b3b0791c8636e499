"""Demo data of feedback, one module per area, seeded in dependency order by ``seed_feedback_demo``."""

from django.db import transaction

from .alerts import seed_alert_rules
from .outlets import seed_outlets
from .reports import demo_alerts_sweep, seed_reports


@transaction.atomic
def seed_feedback_demo() -> dict[str, int]:
    """Outlets, the default alert rules, four weeks of the demo reps' reports, and the alerts those reports raise.
    Needs the demo accounts and campaigns. Idempotent: returns how many of each were created now."""
    created = {"outlets": seed_outlets(), "alert rules": seed_alert_rules()}
    created["daily reports"] = seed_reports()
    # New facts or new rules: evaluate the history as the nightly sweep would have (else there is nothing new).
    created["alerts"] = demo_alerts_sweep() if created["daily reports"] or created["alert rules"] else 0
    return created
