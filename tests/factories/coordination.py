"""Factories of the joint layer. Meetings and action items (helper 3) first; digest factories may follow below."""

import datetime

import factory

from accounts.roles import Role
from coordination.models import ActionItem, JointMeeting

from .accounts import UserFactory


class JointMeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting reviewing a month of 2026 (February by default), held on the 5th of the next month.
    Pass ``attendees=[...]`` to invite people (no notification: use the service for that)."""

    class Meta:
        model = JointMeeting
        django_get_or_create = ["month"]
        skip_postgeneration_save = True

    month = datetime.date(2026, 2, 1)
    date = factory.LazyAttribute(lambda o: (o.month.replace(day=28) + datetime.timedelta(days=4)).replace(day=5))
    location = "Head office, room 3"
    agenda = ""
    created_by = factory.SubFactory(UserFactory, role=Role.MARKETING_MANAGER)

    @factory.post_generation
    def attendees(meeting, create, extracted, **kwargs):
        if create and extracted:
            meeting.attendees.set(extracted)


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open action item; its department follows its owner's, its creator is the meeting's organiser."""

    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(JointMeetingFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory, role=Role.SALES_MANAGER)
    department = factory.LazyAttribute(lambda o: o.owner.department)
    due_on = datetime.date(2026, 3, 20)
    created_by = factory.LazyAttribute(lambda o: o.meeting.created_by if o.meeting else o.owner)
