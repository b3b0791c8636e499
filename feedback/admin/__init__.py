"""Admin of feedback, one module per area (Django's autodiscovery imports this package)."""

from . import alerts, intel, outlets, photos, reports  # noqa: F401 - registering is the import's effect
