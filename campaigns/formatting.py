"""Formatted text in plans: a small Markdown subset rendered on the server and sanitised.

Marketing writes with **bold**, lists and headings (the editor's toolbar inserts the marks); sales read clean HTML.
Only the tags below survive (nh3 removes everything else, including any raw HTML or script a writer pastes), and
links open outside the app without passing it as the referrer.
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "blockquote",
    "a",
    "code",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _lists_need_no_blank_line(text: str) -> str:
    """People start a list right under a sentence; Markdown wants a blank line first. Add it for them."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        if _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


def render_formatted(text: str) -> SafeString:
    if not text or not text.strip():
        return mark_safe("")
    text = _lists_need_no_blank_line(text)
    # Headings written with '#' become h3 and below: the page's own h1/h2 stay the document's outline.
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br", "tables"], output_format="html")
    for level in range(2, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 with an allowlist
