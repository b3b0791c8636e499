"""Workflow notices are written in each recipient's own language (the titles are translated per recipient)."""

import pytest

from accounts.models import Notification
from approvals.services.flows import promotion_submit
from tests.approvals.flow_setup import decide, open_steps, request

pytestmark = pytest.mark.django_db


def test_the_author_reads_a_return_in_chinese_and_the_reviewer_his_turn_in_english(company, frozen_now):
    company.rep_zhang.language = "zh-hans"
    company.rep_zhang.save(update_fields=["language"])
    company.mgr_east.language = "en"
    company.mgr_east.save(update_fields=["language"])
    promotion = request(company, title="Cola week")
    promotion_submit(user=company.rep_zhang, promotion=promotion)

    endorse = Notification.objects.get(recipient=company.mgr_east, kind="approval_step")
    assert endorse.title == "A request to endorse: Cola week"

    decide(company, open_steps(promotion)[0], "return", comment="Budget too high.")

    notice = Notification.objects.get(recipient=company.rep_zhang, kind="promotion_returned")
    assert notice.title == "已退回修改：Cola week"
    assert notice.body == "Budget too high."
