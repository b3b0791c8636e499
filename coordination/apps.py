from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_schedules(sender, using="default", **kwargs):
    """After ``migrate``: create the periodic jobs that are missing (admin edits are kept)."""
    if using != "default":
        return
    from .schedules import schedules_install

    schedules_install()


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Joint coordination")

    def ready(self):
        post_migrate.connect(_install_schedules, sender=self, dispatch_uid="coordination.install_schedules")
