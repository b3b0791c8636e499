"""The intel services called directly: who may act, what they validate, what they keep, whom they notify."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Notification
from feedback.models import IntelItem
from feedback.services.intel import (
    answer_digest,
    intel_acknowledge,
    intel_answer,
    intel_follow_up,
    intel_mark_useful,
)

from .field_setup import build_field
from .intel_setup import competitor_intel, customer_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def f(regions):
    return build_field(regions)


@pytest.fixture
def intel(f):
    return competitor_intel(f.people.rep_sh, brand=f.competitor, outlet=f.outlet_sh)


@pytest.fixture
def feedback(f):
    return customer_feedback(f.people.rep_sh)


def test_acknowledge_keeps_the_first_reader(f, intel):
    intel_acknowledge(user=f.people.mkt_staff, item=intel)
    first = IntelItem.objects.get(pk=intel.pk).acknowledged_at

    again = intel_acknowledge(user=f.people.mkt_manager, item=IntelItem.objects.get(pk=intel.pk))

    stored = IntelItem.objects.get(pk=intel.pk)
    assert (stored.acknowledged_by_id, stored.acknowledged_at) == (f.people.mkt_staff.pk, first)
    assert (again.acknowledged_by_id, again.acknowledged_at) == (f.people.mkt_staff.pk, first)


@pytest.mark.parametrize("role", ["rep_sh", "mgr_east", "director", "gm", "hr"])
def test_only_marketing_acknowledges_answers_and_rates(f, intel, role):
    user = getattr(f.people, role)
    for call in (
        lambda: intel_acknowledge(user=user, item=intel),
        lambda: intel_answer(user=user, item=intel, answer="x"),
        lambda: intel_mark_useful(user=user, item=intel, useful=True),
    ):
        with pytest.raises(PermissionDenied):
            call()
    stored = IntelItem.objects.get(pk=intel.pk)
    assert (stored.acknowledged_at, stored.answer, stored.useful) == (None, "", None)


def test_answer_is_stripped_acknowledges_and_notifies_with_a_key_per_text(f, intel):
    item = intel_answer(user=f.people.mkt_staff, item=intel, answer="  收到  ")

    assert (item.answer, item.answered_by, item.acknowledged_by) == ("收到", f.people.mkt_staff, f.people.mkt_staff)
    notification = Notification.objects.get()
    assert notification.key == f"intel_answer:{intel.pk}:{answer_digest('收到')}"
    assert (notification.recipient, notification.kind) == (f.people.rep_sh, "intel_answer")


def test_answer_validation_messages(f, intel):
    with pytest.raises(ValidationError) as blank:
        intel_answer(user=f.people.mkt_staff, item=intel, answer=" ")
    with pytest.raises(ValidationError) as long:
        intel_answer(user=f.people.mkt_staff, item=intel, answer="x" * 2001)

    assert blank.value.message_dict == {"answer": ["Write an answer."]}
    assert long.value.message_dict == {"answer": ["Keep the answer to 2000 characters or fewer."]}
    assert not Notification.objects.exists()


def test_the_same_answer_twice_changes_and_notifies_nothing(f, intel):
    first = intel_answer(user=f.people.mkt_staff, item=intel, answer="收到")
    answered_at = first.answered_at

    intel_answer(user=f.people.mkt_manager, item=IntelItem.objects.get(pk=intel.pk), answer="收到")

    stored = IntelItem.objects.get(pk=intel.pk)
    assert (stored.answered_by_id, stored.answered_at) == (f.people.mkt_staff.pk, answered_at)
    assert Notification.objects.count() == 1


def test_useful_must_be_a_boolean(f, intel):
    with pytest.raises(ValidationError):
        intel_mark_useful(user=f.people.mkt_staff, item=intel, useful="yes")
    assert intel_mark_useful(user=f.people.mkt_staff, item=intel, useful=False).useful is False


def test_follow_up_rules(f, intel, feedback):
    assert intel_follow_up(user=f.people.rep_sh, item=feedback, status="in_progress").follow_up == "in_progress"
    assert intel_follow_up(user=f.people.mkt_staff, item=feedback, status="done").follow_up == "done"
    with pytest.raises(PermissionDenied):
        intel_follow_up(user=f.people.mgr_east, item=feedback, status="open")
    with pytest.raises(ValidationError) as not_feedback:
        intel_follow_up(user=f.people.mkt_staff, item=intel, status="done")
    with pytest.raises(ValidationError) as unknown:
        intel_follow_up(user=f.people.mkt_staff, item=feedback, status="closed")

    assert not_feedback.value.message_dict == {"status": ["Only customer feedback has a follow-up."]}
    assert unknown.value.message_dict == {"status": ["Choose one of: open, in_progress, done."]}
    assert IntelItem.objects.get(pk=feedback.pk).follow_up == "done"
    assert IntelItem.objects.get(pk=intel.pk).follow_up == ""
