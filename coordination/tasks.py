"""Project-level tasks."""

from celery import shared_task


@shared_task(name="coordination.ping", ignore_result=False)
def ping() -> str:
    """Answer "pong": proves a round trip producer → broker → worker → result backend."""
    return "pong"
