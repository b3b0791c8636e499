"""Demo alert rules: one sensible rule per kind (the demo's reports then raise alerts when they are evaluated)."""

from ..services.alerts import alert_rules_ensure_defaults


def seed_alert_rules() -> int:
    """Idempotent: returns how many rules were created now."""
    return alert_rules_ensure_defaults()
