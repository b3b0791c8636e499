"""Admin of campaigns, one module per area (Django's autodiscovery imports this package)."""

from . import master, plans, promotions, targets  # noqa: F401 - registering is the import's effect
