"""Celery tasks of the monthly digest (imported by coordination.tasks for autodiscovery)."""

from celery import shared_task

from coordination.celery import TRANSIENT_ERRORS

from .services.digest import DigestSendIncomplete

__all__ = ["digest_monthly", "digest_send"]


@shared_task(name="coordination.digest_monthly")
def digest_monthly(month: str | None = None) -> int:
    """Build last month's digest (or ``month``: "YYYY-MM" or an ISO date in it), then mail it. Beat fires it on the
    1st at 07:00; building a month already built returns it unchanged, so a second run sends nothing new."""
    from django.utils import timezone

    from .selectors.digest import month_parse
    from .services.digest import digest_build, previous_month

    first = month_parse(month[:7]) if month else previous_month(timezone.localdate())
    digest = digest_build(first)
    digest_send.delay_on_commit(digest.pk)
    return digest.pk


@shared_task(
    name="coordination.digest_send",
    acks_late=True,
    autoretry_for=(*TRANSIENT_ERRORS, DigestSendIncomplete),
)
def digest_send(digest_id: int) -> int:
    """Mail the digest to every recipient not sent yet. Late ack: a worker killed half-way leaves the message to
    be delivered again, and the recipients already sent (``sent_at``, set in the sending transaction) are skipped."""
    from .models import Digest
    from .services.digest import digest_send as send

    digest = Digest.objects.filter(pk=digest_id).first()
    return send(digest) if digest else 0
