from django.core.management.base import BaseCommand

from coordination.schedules import JOBS, schedules_install


class Command(BaseCommand):
    help = "Create the missing periodic jobs in django-celery-beat's tables (--reset: put every default back)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Overwrite admin changes with the defaults.")

    def handle(self, *args, reset=False, **options):
        written = schedules_install(reset=reset)
        self.stdout.write(f"{written} of {len(JOBS)} periodic jobs written.")
