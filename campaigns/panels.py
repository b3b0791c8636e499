"""Extension point of the promotion page: apps that depend on campaigns add a panel to it without campaigns
importing them (apps depend one way: accounts ← campaigns ← feedback ← approvals).

A panel is a function ``(request, promotion) -> str | None`` returning rendered HTML (or None to show nothing);
an app registers its panels in its ``AppConfig.ready()``. The approvals app adds the approval panel (status, SLA,
steps, submit / withdraw, timeline) and the effect link.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

PromotionPanel = Callable[[HttpRequest, object], str | None]
_PANELS: list[PromotionPanel] = []


def register_promotion_panel(panel: PromotionPanel) -> PromotionPanel:
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def promotion_panels(request: HttpRequest, promotion) -> list[SafeString]:
    """The registered panels rendered for this request, in registration order."""
    rendered = (panel(request, promotion) for panel in _PANELS)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 - panels render templates (autoescaped)
