"""Suite-wide fixtures and the services switch.

With REQUIRE_SERVICES=1 (CI), the suite refuses to run unless DATABASE_URL names a reachable PostgreSQL and
REDIS_URL a reachable Redis: their absence is a failure, never a silent skip.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from tests.factories import RegionTree, UserFactory, build_region_tree

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_sessionstart(session):
    if not REQUIRE_SERVICES:
        return
    problems = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        problems.append(f"DATABASE_URL must point at PostgreSQL (got engine {engine}).")
    if not os.environ.get("REDIS_URL"):
        problems.append("REDIS_URL is not set.")
    else:
        import redis

        try:
            redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            problems.append(f"Redis at REDIS_URL is not reachable: {error}")
    if problems:
        pytest.exit("REQUIRE_SERVICES=1 but: " + " ".join(problems), returncode=3)


def require_redis() -> str:
    """The Redis URL for a test that needs the real broker: a skip locally without one, a failure in CI."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if REQUIRE_SERVICES:
            pytest.fail("REDIS_URL is required (REQUIRE_SERVICES=1).")
        pytest.skip("REDIS_URL is not set: the real-broker test needs Redis (CI sets it).")
    return url


@pytest.fixture(autouse=True)
def _isolated_test():
    """Every test starts in the default language with an empty cache (throttle and sign-in counters live there).

    Django keeps the language of the last request active in the thread, so without this a Chinese page in one
    test would turn the next test's messages Chinese.

    Celery's "a task may not wait on a result" flag is one process-wide global that each eager task sets and
    restores; the race tests run eager tasks in two threads at once, whose interleaved restores can leave it set
    and make a later test's ``result.get()`` refuse. Reset it after every test (a worker never runs eager tasks).
    """
    from celery.result import _set_task_join_will_block

    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    cache.clear()
    _set_task_join_will_block(False)


@pytest.fixture
def regions(db) -> RegionTree:
    """The demo-shaped tree: CN → EAST (SH, HZ), NORTH (BJ, TJ), SOUTH (GZ, SZ)."""
    return build_region_tree()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()
