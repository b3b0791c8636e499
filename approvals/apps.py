from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        # The promotion page's approval and effect panels (campaigns.panels: campaigns does not import approvals).
        from campaigns.panels import register_promotion_panel

        from .views import effect, panels

        for module in (panels, effect):
            for panel in getattr(module, "PROMOTION_PANELS", ()):
                register_promotion_panel(panel)
