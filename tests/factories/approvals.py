"""Factories of the approvals app. Flows and steps made here skip the services: use them for reads (inbox,
permissions, query counts); drive real flows through ``tests.approvals.flow_setup``."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import CalendarDay, Delegation
from approvals.models import ApprovalFlow, ApprovalRule, ApprovalStep, FlowStatus, StepKind, StepStatus
from campaigns.models import PromotionOrigin, PromotionStatus

from .accounts import UserFactory
from .campaigns import PromotionFactory


class ApprovalRuleFactory(factory.django.DjangoModelFactory):
    """A rule; the migration already holds an active company-wide rule per origin, so give a ``region`` (or
    deactivate the default first) to add an active one."""

    class Meta:
        model = ApprovalRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    origin = PromotionOrigin.MARKETING
    region = None
    director_threshold = Decimal("50000")
    gm_threshold = Decimal("200000")
    consultation_hours = 16
    endorsement_hours = 8
    review_hours = 24
    decision_hours = 16


class ApprovalFlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalFlow

    promotion = factory.SubFactory(PromotionFactory, status=PromotionStatus.REVIEW)
    round = 1
    status = FlowStatus.OPEN
    director_threshold = Decimal("50000")
    gm_threshold = Decimal("200000")
    submitted_at = factory.LazyFunction(timezone.now)


class ApprovalStepFactory(factory.django.DjangoModelFactory):
    """An open marketing review step assigned to the marketing-manager role, due in a day."""

    class Meta:
        model = ApprovalStep

    flow = factory.SubFactory(ApprovalFlowFactory)
    round = factory.SelfAttribute("flow.round")
    sequence = 1
    kind = StepKind.REVIEW
    assignee = None
    assignee_role = "marketing_manager"
    status = StepStatus.OPEN
    sla_hours = 24
    opened_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.opened_at + datetime.timedelta(days=1))


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    delegator = factory.SubFactory(UserFactory, role="marketing_manager")
    delegate = factory.SubFactory(UserFactory, role="marketing_staff")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=7))
    reason = "Annual leave"


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ["date"]

    date = datetime.date(2026, 10, 1)
    is_working_day = False
    name = "National Day"
