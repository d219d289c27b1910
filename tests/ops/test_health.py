"""/health/live and /health/ready: each check in the body, 200 only when every check passes."""

import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor

from casework import health

pytestmark = pytest.mark.django_db


def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_ready_without_a_broker_checks_database_and_migrations(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations"}
    assert body["checks"]["migrations"] == {"ok": True, "detail": "all applied", "ms": mock.ANY}


def test_ready_is_503_when_the_database_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = ""
    broken = mock.MagicMock(side_effect=OperationalError("could not connect to server"))
    with mock.patch.object(health.connections["default"], "cursor", broken):
        response = client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is False and "could not connect" in checks["database"]["detail"]


def test_ready_is_503_while_a_migration_is_pending(client, settings):
    settings.CELERY_BROKER_URL = ""
    pending = [(mock.Mock(app_label="casework", name="0099_future"), False)]
    pending[0][0].name = "0099_future"
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["detail"] == "1 pending: casework.0099_future"


class FakeRedis:
    store: dict = {}

    def __init__(self, up=True):
        self.up = up

    def ping(self):
        if not self.up:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return True

    def get(self, key):
        self.ping()
        return self.store.get(key)

    def set(self, key, value, ex=None):
        self.store[key] = value

    def llen(self, key):
        return 0

    def close(self):
        pass


@pytest.fixture
def broker(settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    FakeRedis.store = {}
    client = FakeRedis()
    monkeypatch.setattr(health, "broker_redis", lambda: client)
    return client


def test_with_a_broker_ready_needs_redis_and_a_recent_beat_heartbeat(client, broker):
    response = client.get("/health/ready")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["ok"] is True
    assert checks["beat"] == {
        "ok": False,
        "detail": "no heartbeat yet: is celery beat running, and a worker?",
        "ms": mock.ANY,
    }

    health.record_beat_heartbeat()  # what beat schedules and a worker runs every 30 s
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    assert set(response.json()["checks"]) == {"database", "migrations", "redis", "beat"}


def test_a_stale_heartbeat_is_not_ready(client, broker, settings):
    settings.HEALTH_BEAT_MAX_AGE_SECONDS = 120
    broker.set(health.HEARTBEAT_KEY, repr(time.time() - 600))
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["detail"].startswith("last heartbeat 600 s ago")


def test_redis_down_is_503(client, broker):
    broker.up = False
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert "Connection refused" in response.json()["checks"]["redis"]["detail"]


def test_the_heartbeat_is_a_registered_periodic_job():
    from casework.schedules import PERIODIC_TASKS

    [spec] = [s for s in PERIODIC_TASKS if s.task == "casework.health.record_beat_heartbeat"]
    assert spec.every_seconds == health.HEARTBEAT_EVERY_SECONDS


def test_with_the_real_redis_the_heartbeat_round_trips(client, settings):
    import redis

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    health.record_beat_heartbeat()
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["redis"]["detail"] == "PONG"
