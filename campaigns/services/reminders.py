"""The plan acknowledgement reminder (DESIGN §4, daily at 10:00): the people a published plan is for — its audience,
the field sales of its region subtree (``plan_audience``) — who have not acknowledged its current version when it
was published more than ``PLAN_ACK_REMINDER_DAYS`` days ago are reminded, on working days of the company calendar.

One reminder per person, plan version and day (key ``plan_ack_reminder:<plan>:v<version>:<day>``): a second run the
same day sends nothing, and the reminder comes back each working day until they acknowledge.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.calendar import WorkCalendar
from accounts.models import NotificationKind
from accounts.notifications import notify

from ..models import MarketingPlan, PlanAcknowledgement, PlanStatus
from ..selectors.plans import plan_audience


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@transaction.atomic
def plan_ack_reminders_send(*, day: datetime.date) -> int:
    """Remind the audience of each published plan (not archived) whose current version was published more than
    ``PLAN_ACK_REMINDER_DAYS`` whole days before ``day`` and which they have not acknowledged. Nothing on a day off.
    Returns the number of reminders created now.

    Queries: the calendar, the plans, then per plan its unacknowledged audience and one ``notify`` — never per
    person.
    """
    if not WorkCalendar().is_working_day(day):
        return 0
    published_before = _start_of(day - datetime.timedelta(days=settings.PLAN_ACK_REMINDER_DAYS))
    plans = (
        MarketingPlan.objects.exclude(status=PlanStatus.ARCHIVED)
        .filter(published_version__isnull=False, published_version__published_at__lt=published_before)
        .select_related("published_version", "region")
        .order_by("pk")
    )
    created = 0
    for plan in plans:
        version = plan.published_version
        readers = plan_audience(plan=plan).filter(
            ~Exists(PlanAcknowledgement.objects.filter(version=version, user=OuterRef("pk")))
        )

        def message(plan=plan, version=version):
            published = timezone.localtime(version.published_at).date().isoformat()
            return (
                _("Please read and acknowledge: %(title)s") % {"title": plan.title},
                _(
                    "Version %(number)s of the plan (%(period)s · %(region)s) was published on %(published)s and you "
                    "have not confirmed reading it yet."
                )
                % {
                    "number": version.number,
                    "period": plan.period_label,
                    "region": plan.region.display_name,
                    "published": published,
                },
            )

        created += len(
            notify(
                recipients=readers,
                kind=NotificationKind.PLAN_ACK_REMINDER,
                key=f"plan_ack_reminder:{plan.pk}:v{version.number}:{day.isoformat()}",
                message=message,
                url=reverse("campaigns:plan_detail", args=[plan.pk]),
            )
        )
    return created
