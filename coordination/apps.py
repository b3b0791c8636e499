from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_schedules(sender, using="default", **kwargs):
    """After ``migrate``: create the periodic jobs that are missing (admin edits are kept)."""
    if using != "default":
        return
    from .schedules import schedules_install

    schedules_install()


def _refresh_kpis(sender, report, **kwargs):
    """A report was submitted or amended: refresh the rep's KPI rollups for that day once it commits."""
    from .tasks_kpis import kpi_rollups_refresh

    kpi_rollups_refresh.delay_on_commit(report.rep_id, report.date.isoformat())


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Joint coordination")

    def ready(self):
        from feedback.signals import report_filed

        post_migrate.connect(_install_schedules, sender=self, dispatch_uid="coordination.install_schedules")
        report_filed.connect(_refresh_kpis, dispatch_uid="coordination.refresh_kpis")
        from .kpi_signals import connect as connect_kpi_refresh

        connect_kpi_refresh()
