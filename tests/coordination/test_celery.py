"""Celery: reliability settings, enqueue-after-commit, and a round trip through the real Redis and a real worker."""

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from coordination.celery import TRANSIENT_ERRORS, app
from coordination.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


def test_reliability_settings():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    # Redis must never re-deliver a message that only waits for its ETA: the visibility timeout exceeds any delay.
    assert settings.CELERY_VISIBILITY_TIMEOUT_SECONDS > settings.CELERY_MAX_TASK_DELAY_SECONDS
    assert ping.retry_backoff_max <= settings.CELERY_MAX_TASK_DELAY_SECONDS


def test_a_delay_longer_than_the_visibility_timeout_allows_is_refused():
    with pytest.raises(ValueError, match="exceeds CELERY_MAX_TASK_DELAY_SECONDS"):
        ping.apply_async(countdown=settings.CELERY_MAX_TASK_DELAY_SECONDS + 1)
    with pytest.raises(ValueError, match="exceeds CELERY_MAX_TASK_DELAY_SECONDS"):
        ping.apply_async(eta=datetime.now(tz=UTC) + timedelta(seconds=settings.CELERY_MAX_TASK_DELAY_SECONDS + 60))

    assert ping.apply_async(countdown=60).get(timeout=1) == "pong"  # within the cap: fine


def test_tasks_retry_transient_errors_only_with_a_cap():
    assert ping.max_retries == 5
    assert ConnectionError in ping.autoretry_for
    assert ping.autoretry_for == TRANSIENT_ERRORS
    assert ValueError not in ping.autoretry_for


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_delay_on_commit_sends_nothing_when_the_transaction_rolls_back(monkeypatch):
    sent = []
    monkeypatch.setattr(ping, "delay", lambda *a, **kw: sent.append((a, kw)))

    class Rollback(Exception):
        pass

    def enqueue_then_fail():
        with transaction.atomic():
            ping.delay_on_commit()
            raise Rollback

    with pytest.raises(Rollback):
        enqueue_then_fail()

    assert sent == []

    with transaction.atomic():
        ping.delay_on_commit()
        assert sent == []  # not before the commit
    assert sent == [((), {})]


def test_eager_task_runs_in_process():
    assert ping.delay().get(timeout=1) == "pong"


@pytest.fixture
def real_broker():
    """The producer side as in production: tasks go to the broker instead of running in-process."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.mark.services
def test_round_trip_through_the_real_redis_broker_and_a_real_worker(real_broker):
    from tests.conftest import require_redis

    redis_url = require_redis()
    queue = f"test-roundtrip-{uuid.uuid4().hex[:8]}"  # only our worker listens here
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "coordination.settings.test"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coordination",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        result = ping.apply_async(queue=queue)
        # Blocks until the worker has answered through the Redis result backend (or fails after 60 s).
        assert result.get(timeout=60) == "pong"
        assert result.successful()
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output.decode()
