"""HR's KPI schemes: the weights of one role's KPIs in the composite score, from a month on."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..kpis import BY_KEY, KPI_ROLES
from ..models import KpiScheme

MAX_WEIGHT = 100


def kpi_scheme_errors(*, role: str, weights: dict) -> dict[str, list[str]]:
    """What is wrong with a scheme, per field (empty: valid)."""
    errors: dict[str, list[str]] = {}
    if role not in KPI_ROLES:
        errors["role"] = [_("Pick a role with KPIs: sales rep, sales manager, marketing staff or marketing manager.")]
        return errors
    for key, weight in weights.items():
        kpi = BY_KEY.get(key)
        if kpi is None or role not in kpi.roles:
            errors.setdefault("weights", []).append(_("“%(key)s” is not a KPI of this role.") % {"key": key})
        elif not kpi.weighable:
            errors.setdefault("weights", []).append(
                _("“%(kpi)s” is a count; only percentages and ratings are weighed.") % {"kpi": kpi.label}
            )
        elif isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= MAX_WEIGHT:
            errors.setdefault("weights", []).append(
                _("The weight of “%(kpi)s” must be a whole number from 0 to %(max)s.")
                % {"kpi": kpi.label, "max": MAX_WEIGHT}
            )
    if "weights" not in errors and not any(weights.values()):
        errors["weights"] = [_("Give at least one KPI a weight above 0.")]
    return errors


@transaction.atomic
def kpi_scheme_save(*, role: str, valid_from: datetime.date, weights: dict, by: User | None) -> KpiScheme:
    """Create or replace the role's scheme from ``valid_from``'s month on (``ValidationError`` per field)."""
    errors = kpi_scheme_errors(role=role, weights=weights)
    if errors:
        raise ValidationError(errors)
    scheme, _created = KpiScheme.objects.update_or_create(
        role=role,
        valid_from=valid_from.replace(day=1),
        defaults={"weights": {key: int(value) for key, value in weights.items()}, "updated_by": by},
    )
    return scheme
