"""Project-level tasks, and the joint layer's (meetings, digest) imported so Celery's autodiscovery finds them."""

from celery import shared_task


@shared_task(name="coordination.ping", ignore_result=False)
def ping() -> str:
    """Answer "pong": proves a round trip producer → broker → worker → result backend."""
    return "pong"


from .tasks_digest import *  # noqa: E402,F403
from .tasks_kpis import *  # noqa: E402,F403
from .tasks_meetings import *  # noqa: E402,F403
