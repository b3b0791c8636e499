import pytest
from django.utils import timezone

from tests.approvals.flow_setup import NOW, Company, build_company


@pytest.fixture
def company(regions) -> Company:
    return build_company(regions)


@pytest.fixture
def frozen_now(monkeypatch):
    """Requests run at ``NOW`` (Monday 2 March 2026, 10:00): the API reads the clock itself."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW
