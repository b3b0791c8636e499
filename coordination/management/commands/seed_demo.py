"""Fill the database with the demo company. Safe to run again: it only adds what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, seed_accounts_demo
from approvals.demo import seed_approvals_demo
from campaigns.demo import seed_campaigns_demo
from coordination.demo import seed_coordination_demo
from feedback.demo import seed_feedback_demo


class Command(BaseCommand):
    help = (
        "Create the demo company (regions, one user per role, ...). Idempotent. Refuses with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (never on a production database).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production database. Demo users have a published password; "
                "run with --force only if you really want them here."
            )
        # Each app seeds its own demo data. Mostly in dependency order, with one exception: the approvals demo runs
        # the promotions through the workflow before the feedback demo, because the field files feedback only on
        # agreed promotions. Later capabilities add theirs below.
        created = seed_accounts_demo()
        created.update(seed_campaigns_demo())
        for name, count in seed_approvals_demo().items():
            created[name] = created.get(name, 0) + count
        created.update(seed_feedback_demo())
        created.update(seed_coordination_demo())
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (created: {summary})."))
        self.stdout.write(
            f"Sign in as any demo user (admin, mkt.wang, rep.zhang, ...) with the password {DEMO_PASSWORD!r}."
        )
