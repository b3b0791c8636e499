"""Reliability against real infrastructure: a broker that is down when a report is submitted (a dedicated
``redis-server`` this test starts, stops and restarts on a spare port — the machine's shared Redis is left alone),
and a worker killed with SIGKILL in the middle of mailing the digest (a real worker process on the real Redis).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.management import call_command

from accounts.models import OutboxMessage
from accounts.outbox import outbox_relay
from coordination.celery import app
from tests.conftest import REQUIRE_SERVICES, require_redis
from tests.feedback.field_setup import build_field, payload

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(condition, *, timeout: float, what: str):
    """Poll ``condition`` until it is truthy (returns it) or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A throw-away ``redis-server`` on a spare port (no persistence) that the test can stop and start again."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if not binary:
            if REQUIRE_SERVICES:
                pytest.fail("redis-server is not installed: the broker-down test needs its own Redis.")
            pytest.skip("redis-server is not installed")
        self.binary, self.port, self.process = binary, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        _wait_for(lambda: self._pings(client), timeout=10, what="redis-server to start")

    @staticmethod
    def _pings(client) -> bool:
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def queue_length(self, queue: str) -> int:
        return redis.Redis.from_url(self.url).llen(queue)


@pytest.fixture
def own_redis(settings):
    server = RedisServer()
    server.start()
    previous = app.conf.broker_url
    app.conf.broker_url = server.url
    app.conf.task_always_eager = False
    _fresh_connections()
    settings.OUTBOX_ENABLED = True
    yield server
    server.stop()
    app.conf.broker_url = previous
    app.conf.task_always_eager = True
    _fresh_connections()


def _fresh_connections():
    """Forget the app's broker pools so the next publish uses the current ``broker_url`` (kombu keeps one pool per
    URL, so the shared broker's pool is left as it was)."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_report_submitted_while_the_broker_is_down_is_saved_and_its_task_published_when_it_is_back(
    own_redis, regions, api_client
):
    f = build_field(regions)
    api_client.force_authenticate(f.people.rep_sh)
    own_redis.stop()

    response = api_client.post("/api/v1/daily-reports/", payload(f), format="json")

    assert response.status_code == 201, response.json()
    waiting = OutboxMessage.objects.get(task_name="feedback.alerts_evaluate_for_report")
    assert waiting.published_at is None
    assert waiting.args == [response.json()["id"]]
    assert waiting.attempts == 1
    assert waiting.last_error  # the quick try after the commit failed and said why

    # The same submission also asked for its KPI rollup refresh: two tasks wait.
    assert set(OutboxMessage.objects.values_list("task_name", flat=True)) == {
        "feedback.alerts_evaluate_for_report",
        "coordination.kpi_rollups_refresh",
    }
    assert outbox_relay() == 0  # still down: the relay fails fast, doesn't raise, and keeps the rows
    waiting.refresh_from_db()
    assert (waiting.published_at, waiting.attempts) == (None, 2)
    assert "Error" in waiting.last_error  # the broker's refusal, for the admin to read
    own_redis.start()
    published = outbox_relay()
    waiting.refresh_from_db()
    assert published == 2, waiting.last_error
    assert waiting.published_at is not None
    assert own_redis.queue_length("celery") == 2  # on the broker, for a worker to take
    assert outbox_relay() == 0  # nothing published twice
    assert own_redis.queue_length("celery") == 2


def test_with_the_broker_up_the_task_is_published_right_after_the_commit(own_redis, regions, api_client):
    f = build_field(regions)
    api_client.force_authenticate(f.people.rep_sh)
    before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # the set-up's own
    queued = own_redis.queue_length("celery")

    assert api_client.post("/api/v1/daily-reports/", payload(f), format="json").status_code == 201

    # The alert rules and the KPI rollup refresh, both published at once: no waiting for the relay.
    submission = OutboxMessage.objects.filter(pk__gt=before)
    assert sorted(submission.values_list("task_name", flat=True)) == [
        "coordination.kpi_rollups_refresh",
        "feedback.alerts_evaluate_for_report",
    ]
    assert not submission.filter(published_at__isnull=True).exists()
    assert own_redis.queue_length("celery") == queued + 2
    out = __import__("io").StringIO()
    call_command("relay_outbox", stdout=out)
    assert out.getvalue().startswith("0 message(s) published")


class RefusingBroker:
    """A port that accepts a connection and closes it at once, counting the attempts: a broker that is down."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        self.attempts = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:  # closed by stop()
                return
            self.attempts += 1
            conn.close()

    def stop(self):
        self.sock.close()
        self.thread.join(timeout=10)


@pytest.fixture
def refusing_broker():
    broker = RefusingBroker()
    previous = app.conf.broker_url
    app.conf.broker_url = broker.url
    app.conf.task_always_eager = False
    _fresh_connections()
    yield broker
    broker.stop()
    app.conf.broker_url = previous
    app.conf.task_always_eager = True
    _fresh_connections()


def test_a_publish_to_a_broker_that_is_down_is_one_connection_attempt_not_a_retry_loop(refusing_broker):
    # Kombu's pooled connection retries the connect for broker_connection_timeout, even with retry=False (6 s and
    # nine attempts on a refused port, three here, the request that committed waiting all along); the outbox tries
    # once and leaves the rest to the relay.
    first, second = (
        OutboxMessage.objects.create(task_name="feedback.alerts_evaluate_for_report", args=[n]) for n in (1, 2)
    )

    assert outbox_relay() == 0

    assert refusing_broker.attempts == 1  # and not one more for the second message
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, first.published_at) == (1, None)
    assert "Error" in first.last_error
    assert (second.attempts, second.last_error) == (0, "")


# --- a worker killed in the middle of mailing the digest ------------------------------------------------------


def _worker(env: dict, queue: str) -> subprocess.Popen:
    return subprocess.Popen(
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
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_digest_loses_no_recipient_and_sends_nobody_twice(regions, settings):
    import datetime

    from django.db import connection

    from accounts.roles import Role
    from coordination.models import DigestRecipient
    from coordination.services.digest import digest_build
    from tests.factories import UserFactory

    redis_url = require_redis()
    for n in range(4):
        UserFactory(username=f"manager{n}", role=Role.SALES_MANAGER, region=regions.east)
    digest = digest_build(datetime.date(2026, 10, 1), today=datetime.date(2026, 11, 2))

    mail_dir = Path(tempfile.mkdtemp(prefix="digest-mail-"))
    gate = mail_dir / "gate-open"
    queue = f"test-digest-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "tests.reliability_settings",
        "RELIABILITY_DB_NAME": connection.settings_dict["NAME"],
        "RELIABILITY_MAIL_DIR": str(mail_dir),
        "RELIABILITY_QUEUE": queue,
    }
    app.conf.task_always_eager = False
    worker = _worker(env, queue)
    try:
        from coordination.tasks_digest import digest_send

        digest_send.apply_async((digest.pk,), queue=queue)
        # The gated backend writes the first mail, then blocks before the second until the gate opens.
        _wait_for(
            lambda: len(list(mail_dir.glob("*.json"))) == 1 and (mail_dir / "waiting").exists(),
            timeout=60,
            what="the first digest mail",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        assert DigestRecipient.objects.filter(sent_at__isnull=False).count() == 1
        gate.touch()
        worker = _worker(env, queue)  # the message was never acknowledged: redelivered to the new worker
        _wait_for(
            lambda: (
                DigestRecipient.objects.filter(sent_at__isnull=True).count() == 0
                and DigestRecipient.objects.count() == 4
            ),
            timeout=90,
            what="every recipient to be sent",
        )
    finally:
        app.conf.task_always_eager = True
        worker.kill()
        worker.wait(timeout=10)
    mails = [json.loads(p.read_text()) for p in sorted(mail_dir.glob("*.json"))]
    recipients = sorted(m["to"][0] for m in mails)
    assert recipients == sorted(f"manager{n}@example.com" for n in range(4))  # each exactly once
    shutil.rmtree(mail_dir, ignore_errors=True)
