from django import template
from django.utils.safestring import SafeString

from accounts.models import localized_name

from ..formatting import render_formatted

register = template.Library()


@register.filter(name="formatted")
def formatted(text: str) -> SafeString:
    """Render a plan's formatted text (Markdown subset) as sanitised HTML."""
    return render_formatted(text)


@register.filter(name="section_label")
def section_label(kind: str) -> str:
    """The translated name of a plan section kind (content stores the kind's code)."""
    from ..models import SectionKind

    try:
        return str(SectionKind(kind).label)
    except ValueError:
        return kind


@register.filter(name="bilingual")
def bilingual(value: dict) -> str:
    """A stored {"name", "name_en"} in the page's language (Chinese unless the page is English)."""
    if not isinstance(value, dict):
        return ""
    return localized_name(value.get("name", ""), value.get("name_en", ""))
