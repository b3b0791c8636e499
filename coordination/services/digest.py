"""Build, freeze and mail the monthly joint-meeting digest (DESIGN §4).

- ``digest_build(month)`` aggregates the month (``selectors.digest.digest_figures``), renders the digest once per
  language with its charts (bars drawn with inline-styled table cells, so they show in e-mail clients without
  images or scripts) and stores both: the row never changes afterwards. Building a month that exists returns it
  untouched unless ``rebuild=True``, which replaces the content and bumps ``version`` (and so mails everyone again).
- ``digest_send(digest)`` mails each recipient — both departments' managers and the month's meeting attendees — in
  their language with the XLSX of the figures attached. Each recipient is sent in their own transaction holding
  their ``DigestRecipient`` row locked (``select_for_update(skip_locked=True)``) and ``sent_at`` is set in that
  transaction: a second run, two workers at once, or a worker killed half-way and restarted send each person the
  digest exactly once.
"""

import datetime
import io
import logging
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, User
from accounts.notifications import absolute_url, notify, user_language
from accounts.roles import Role

from ..models import Digest, DigestRecipient, JointMeeting
from ..selectors.digest import digest_figures, month_bounds
from ..tabular import spreadsheet_safe

logger = logging.getLogger(__name__)

RECIPIENT_ROLES = (Role.MARKETING_MANAGER, Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DigestError(Exception):
    """A digest that cannot be built (e.g. a month not over yet)."""


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def digest_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def digest_render(content: dict, language: str) -> str:
    """The digest as e-mail-safe HTML (inline styles, tables for charts) in ``language``."""
    from ..selectors.digest_view import digest_context

    with translation.override(language):
        return render_to_string("coordination/digest_body.html", digest_context(content, language))


@transaction.atomic
def digest_build(month: datetime.date, *, rebuild: bool = False, today: datetime.date | None = None) -> Digest:
    """Build and freeze the digest of ``month`` (see the module). Refuses a month that is not over yet."""
    first, last = month_bounds(month)
    today = today or timezone.localdate()
    if last >= today:
        raise DigestError(_("A month's digest can be built once the month is over."))
    existing = Digest.objects.select_for_update().filter(month=first).first()
    if existing and not rebuild:
        return existing
    started = time.perf_counter()
    content = digest_figures(first)
    html = {language: digest_render(content, language) for language in digest_languages()}
    seconds = round(time.perf_counter() - started, 3)
    if existing:
        existing.version += 1
        existing.content, existing.html = content, html
        existing.built_at, existing.build_seconds = timezone.now(), seconds
        existing.save()
        return existing
    return Digest.objects.create(
        month=first, content=content, html=html, built_at=timezone.now(), build_seconds=seconds
    )


def digest_recipients(digest: Digest) -> list[User]:
    """Both departments' managers and the attendees of the joint meeting that discusses this month (the meeting of
    the month itself or of the next): active users with an e-mail address, each once."""
    next_month = (digest.month + datetime.timedelta(days=32)).replace(day=1)
    meetings = JointMeeting.objects.filter(month__in=[digest.month, next_month])
    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__name__in=RECIPIENT_ROLES) | Q(joint_meetings__in=meetings))
        .distinct()
        .order_by("pk")
    )


def digest_xlsx(digest: Digest, language: str | None = None) -> bytes:
    """The figures behind the digest as a workbook: one sheet per section, a row per area and the company."""
    from openpyxl import Workbook

    from ..selectors.digest_view import digest_context

    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = digest_context(digest.content, language)
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in context["tables"]:
            sheet = workbook.create_sheet(title=str(table["sheet"])[:31])
            sheet.append([spreadsheet_safe(str(header)) for header in table["headers"]])
            for row in table["rows"]:
                sheet.append(
                    [spreadsheet_safe(value if not hasattr(value, "__html__") else str(value)) for value in row]
                )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _message(digest: Digest, recipient: DigestRecipient, attachment: bytes) -> EmailMultiAlternatives:
    language = recipient.language
    with translation.override(language):
        subject = _("Joint-meeting digest %(month)s") % {"month": f"{digest.month:%Y-%m}"}
        url = absolute_url(reverse("coordination:digest_detail", args=[f"{digest.month:%Y-%m}"]))
        text = render_to_string(
            "coordination/email/digest.txt", {"digest": digest, "url": url, "content": digest.content}
        )
    html = digest.html.get(language) or digest.html.get(settings.LANGUAGE_CODE) or ""
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.user.email])
    message.attach_alternative(html, "text/html")
    message.attach(f"digest-{digest.month:%Y-%m}.xlsx", attachment, XLSX_TYPE)
    return message


def digest_send(digest: Digest) -> int:
    """Mail the digest (its current version) to every recipient not yet sent; returns how many were sent now.

    Safe to run twice and from two workers at once (see the module). A recipient whose mail fails keeps
    ``sent_at`` empty (attempts and error recorded) and the run goes on; the task retries the rest later.
    """
    people = digest_recipients(digest)
    DigestRecipient.objects.bulk_create(
        [DigestRecipient(digest=digest, user=u, version=digest.version, language=user_language(u)) for u in people],
        ignore_conflicts=True,
    )
    pending = list(
        DigestRecipient.objects.filter(digest=digest, version=digest.version, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    attachments: dict[str, bytes] = {}
    sent = failed = 0
    for pk in pending:
        with transaction.atomic():
            recipient = (
                DigestRecipient.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if recipient is None:
                continue  # sent meanwhile, or being sent by another worker right now
            if recipient.language not in attachments:
                attachments[recipient.language] = digest_xlsx(digest, recipient.language)
            try:
                _message(digest, recipient, attachments[recipient.language]).send()
            except Exception as error:  # SMTP and network errors alike: record, go on, retry later
                logger.warning("digest %s to %s failed: %s", digest, recipient.user_id, error)
                DigestRecipient.objects.filter(pk=pk).update(
                    attempts=recipient.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
                )
                failed += 1
                continue
            recipient.sent_at = timezone.now()
            recipient.attempts += 1
            recipient.last_error = ""
            recipient.save(update_fields=["sent_at", "attempts", "last_error"])
            sent += 1
    _notify(digest, people)
    if failed:
        raise DigestSendIncomplete(failed, sent)
    return sent


class DigestSendIncomplete(Exception):
    """Some recipients could not be mailed this time; the task retries (the ones sent are not sent again)."""

    def __init__(self, failed: int, sent: int = 0):
        super().__init__(f"{failed} digest e-mail(s) failed; they are tried again later")
        self.failed, self.sent = failed, sent


def _notify(digest: Digest, people: list[User]) -> None:
    """The in-app (and chat) notice of the digest; the e-mail is the digest itself."""
    month = f"{digest.month:%Y-%m}"

    def message():
        return (
            _("The joint-meeting digest for %(month)s is out") % {"month": month},
            _("Last month's figures for the joint meeting: sales against target, the field, promotions, approvals."),
        )

    notify(
        recipients=people,
        kind=NotificationKind.DIGEST,
        key=f"digest:{month}:v{digest.version}",
        message=message,
        url=reverse("coordination:digest_detail", args=[month]),
        email=False,
    )


def digest_send_reporting(digest: Digest) -> tuple[int, int]:
    """``digest_send`` for people waiting on the answer (the page, the API, the commands): (sent, failed) instead
    of an exception; the failed recipients stay unsent for the next run or the task's retry."""
    try:
        return digest_send(digest), 0
    except DigestSendIncomplete as incomplete:
        return incomplete.sent, incomplete.failed
