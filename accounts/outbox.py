"""Transactional outbox: a task enqueued "after commit" is first written as an ``OutboxMessage`` in the same
transaction as the data, then published once the transaction commits.

Why: publishing straight to the broker after the commit loses the message if the broker is down at that moment
(or blocks the request while the client retries). With the outbox, the request only writes a row; the publish after
the commit is one quick try (no retries, short socket timeouts), and a row it could not publish is published later
by ``outbox_relay`` — a beat job every minute and ``manage.py relay_outbox`` — once the broker is back.

Every task is idempotent, so the rare double publish (published, then the mark failed) does no work twice.
With ``OUTBOX_ENABLED`` off (the test settings, where tasks run eagerly and there is no broker to lose),
``delay_on_commit`` keeps Celery's own behaviour.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Publishing connection: one connect attempt, bounded socket waits (a broker that drops packets cannot hang it).
_ONE_TRY = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}


def outbox_enqueue(task, args: tuple | list = (), kwargs: dict | None = None) -> OutboxMessage:
    """Write the message now (in the caller's transaction) and try to publish it when that transaction commits."""
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: outbox_publish(message_ids=[message.pk]), robust=True)
    return message


def outbox_publish(*, message_ids: list[int]) -> int:
    """Publish the given unpublished messages, one quick try each; returns how many were published.

    A message the broker refused stays unpublished (attempts and error recorded) for the relay.
    """
    from coordination.celery import app

    messages = list(OutboxMessage.objects.filter(pk__in=message_ids, published_at__isnull=True).order_by("pk"))
    if not messages:
        return 0
    published = 0
    # Our own connection that tries once: the pooled one would retry the connect for broker_connection_timeout
    # (about 6 s with the redis transport) even with retry=False, and the request that committed would wait.
    with app.connection_for_write(transport_options=_ONE_TRY) as connection:
        for message in messages:
            try:
                app.send_task(
                    message.task_name,
                    args=message.args,
                    kwargs=message.kwargs,
                    retry=False,
                    connection=connection,
                    # The outbox id doubles as the task id: a relayed copy is recognisable in the worker's log.
                    task_id=f"outbox-{message.pk}-{message.attempts}",
                )
            except Exception as error:  # the broker is down or refused: keep the row for the relay
                logger.warning("outbox %s (%s) not published: %s", message.pk, message.task_name, error)
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
                )
                # One refusal means the broker is unreachable: leave the rest to the relay rather than wait on each.
                break
            OutboxMessage.objects.filter(pk=message.pk).update(published_at=timezone.now(), attempts=F("attempts") + 1)
            published += 1
    return published


def outbox_relay(*, batch: int = 500) -> int:
    """Publish every message still waiting, oldest first; returns how many were published."""
    total = 0
    while True:
        ids = list(
            OutboxMessage.objects.filter(published_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return total
        published = outbox_publish(message_ids=ids)
        total += published
        if published < len(ids):
            return total


def outbox_prune(*, older_than_days: int = 7) -> int:
    """Delete published messages older than ``older_than_days`` (the table keeps only recent history)."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(published_at__lt=cutoff).delete()
    return deleted
