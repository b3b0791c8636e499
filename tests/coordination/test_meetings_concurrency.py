"""Two people closing one action item at the same moment, for real: two threads, two connections, PostgreSQL row
locks. One closes it (200), the other gets a 409; the item records exactly one closing."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from coordination.models import ActionItem
from tests.approvals.flow_setup import build_company
from tests.factories.coordination import ActionItemFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    # A race needs real row locks: SQLite would serialise the whole database and prove nothing.
    if connection.vendor != "postgresql":
        pytest.fail(f"The concurrency tests need PostgreSQL (DATABASE_URL); this database is {connection.vendor}.")


@pytest.fixture
def entered(monkeypatch) -> list[int]:
    """Who reached the locking service: both threads must, or nothing raced."""
    from coordination.api import meetings as api

    calls, original = [], api.services.action_item_close

    def counting(**kwargs):
        calls.append(kwargs["user"].pk)
        return original(**kwargs)

    monkeypatch.setattr(api.services, "action_item_close", counting)
    return calls


def test_owner_and_organiser_closing_at_once_give_one_200_and_one_409(regions, entered):
    company = build_company(regions)
    item = ActionItemFactory(owner=company.mgr_east, created_by=company.gm, meeting=None)
    url = f"/api/v1/action-items/{item.pk}/close/"
    barrier = threading.Barrier(2)
    responses, errors = {}, []

    def close(user, outcome):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            responses[user.username] = client.post(url, {"outcome": outcome}, format="json")
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=close, args=(company.mgr_east, "Done by the owner.")),
        threading.Thread(target=close, args=(company.gm, "Done, says the GM.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(entered) == sorted([company.mgr_east.pk, company.gm.pk])
    codes = {name: response.status_code for name, response in responses.items()}
    assert sorted(codes.values()) == [200, 409]
    winner = next(name for name, code in codes.items() if code == 200)
    loser = next(name for name, code in codes.items() if code == 409)
    assert responses[loser].json() == {"detail": "This action item is already done."}
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert item.closed_by.username == winner
    assert item.outcome == {"mgr.east": "Done by the owner.", "gm": "Done, says the GM."}[winner]
