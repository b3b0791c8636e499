"""Close consultation steps past their deadline as "no answer" (the hourly job, by hand)."""

from django.core.management.base import BaseCommand

from accounts.management.dates import command_moment
from approvals.models import ApprovalEvent
from approvals.services.flows import consultations_close_overdue
from approvals.workflow import Action


class Command(BaseCommand):
    help = (
        'Record every consultation past its deadline as "no answer" and move each complete consultation on to '
        "review. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            help="ISO date-time to judge deadlines at (e.g. 2025-06-02T10:00); default: now. Without an offset "
            "it is read in the company time zone.",
        )

    def handle(self, *args, at: str | None = None, **options):
        moment = command_moment(at)
        last = ApprovalEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        closed = consultations_close_overdue(now=moment)
        events = (
            ApprovalEvent.objects.filter(pk__gt=last, action=Action.CONSULTATION_NO_ANSWER)
            .select_related("promotion", "step__assignee")
            .order_by("pk")
        )
        for event in events:
            who = event.step.assignee.username if event.step and event.step.assignee else "?"
            self.stdout.write(f"  #{event.promotion_id} {event.promotion.title}: no answer from {who}")
        self.stdout.write(self.style.SUCCESS(f"{closed} consultation step(s) closed as no answer."))
