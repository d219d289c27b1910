# ruff: noqa: F811 - the certificates fixtures imported below are requested by name
"""Faults (issue 9): a real Celery worker killed with SIGKILL in the middle of the expiry job and of a webhook
delivery; Redis stopped while applications are filed; the database connection dropped in the middle of a
portal POST. PostgreSQL + Redis (CI starts both); each test bounded by its own timeouts.

The worker runs with the project's settings: acks_late and reject_on_worker_lost, prefork with one child.
SIGKILL hits the child running the task (the process doing the work); the worker's main process sees it
die, requeues the message and a new child runs the task again — the case the jobs' idempotency is for.
A private redis-server on a free port plays "Redis stopped"; the machine's Redis on 6379 is never touched.
"""

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from casework import outbox
from casework.models import Attachment, IdempotencyRecord, OutboxMessage, Person, TransitionLog, WebhookSubscription
from tests.casework.test_outbox import Receiver
from tests.certificates.conftest import clock, memory_notifications, unit  # noqa: F401, F811 - fixtures
from tests.reliability.conftest import (
    ROOT,
    certificate_body,
    free_port,
    kill_tree,
    needs_redis,
    start_worker,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_redis]

BROKER_DB = "redis://127.0.0.1:6379/12"


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_to(monkeypatch):
    """Point this process's Celery app at ``url`` (not eager), restored afterwards."""
    from config.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "broker_connection_timeout")}

    def point(url: str):
        # Celery reads the CELERY_BROKER_URL environment variable before its configuration (CI sets it).
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        app.conf.update(task_always_eager=False, broker_url=url, broker_connection_timeout=1)
        app._pool = None
        app.amqp._producer_pool = None
        return app

    yield point
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None
    outbox._broker_down_until = 0.0


@pytest.fixture
def pause_dir(tmp_path):
    path = tmp_path / "pause"
    path.mkdir()
    return path


def worker_env(pause_dir=None, pause_at="", broker=BROKER_DB) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    if pause_dir:
        env.update(RELIABILITY_PAUSE_DIR=str(pause_dir), RELIABILITY_PAUSE_AT=pause_at)
    return env


def start_hooked_worker(env: dict, queue: str) -> subprocess.Popen:
    command_env = {**os.environ, **env}
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "-c",
            "1",
            "-l",
            "warning",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "-I",
            "tests.reliability.fault_hooks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=command_env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env.get("RELIABILITY_PAUSE_DIR", "/tmp")) / "worker.log", "wb"),  # noqa: SIM115
        start_new_session=True,
    )


def kill_paused_child(pause_dir) -> int:
    marker = pause_dir / "paused"
    log = pause_dir / "worker.log"
    assert wait_until(marker.exists, timeout=90), "worker never reached the middle: " + (
        log.read_text()[-3000:] if log.exists() else ""
    )
    pid = int(wait_until(lambda: marker.read_text().strip(), timeout=5))
    os.kill(pid, signal.SIGKILL)
    return pid


def test_worker_killed_in_the_middle_of_the_expiry_job_loses_nothing_and_doubles_nothing(
    clock, unit, celery_to, pause_dir
):
    from certificates.models import Certificate
    from certificates.tasks import expire_certificates
    from tests.certificates.factories import issued_certificate

    certificates = [issued_certificate(unit)[1] for _ in range(5)]
    Certificate.objects.update(valid_to=dt.date.today() - dt.timedelta(days=2))  # ended for the worker's clock
    queue = f"reliability-{uuid.uuid4().hex[:8]}"
    celery_to(BROKER_DB)
    expire_certificates.apply_async(kwargs={"batch": 2}, queue=queue)
    worker = start_hooked_worker(worker_env(pause_dir, "expiry"), queue)
    try:
        kill_paused_child(pause_dir)
        assert Certificate.objects.filter(status="expired").count() == 2  # the first batch, committed
        assert wait_until(lambda: not Certificate.objects.filter(status="active").exists(), timeout=90)
    finally:
        kill_tree(worker, signal.SIGTERM)
    for certificate in certificates:
        assert TransitionLog.objects.filter(case_number=certificate.number, transition="expire").count() == 1
    assert TransitionLog.objects.filter(transition="expire").count() == 5


def test_worker_killed_after_the_receiver_answered_a_webhook_sends_it_again_with_the_same_event_id(
    celery_to, pause_dir
):
    from casework.models import ApiClient
    from casework.tasks import deliver_outbox

    receiver = Receiver()
    try:
        client, _ = ApiClient.issue("portal-faults", ["applications:read"])
        WebhookSubscription.objects.create(client=client, url=receiver.url, events=["application.status_changed"])
        with mock.patch.object(outbox, "request_delivery"):
            (message,) = outbox.publish_status_changed("QC-2026-000001", "registered")
        queue = f"reliability-{uuid.uuid4().hex[:8]}"
        celery_to(BROKER_DB)
        deliver_outbox.apply_async(kwargs={"message_ids": [message.pk]}, queue=queue)
        worker = start_hooked_worker(worker_env(pause_dir, "webhook"), queue)
        try:
            kill_paused_child(pause_dir)
            assert OutboxMessage.objects.get(pk=message.pk).status == "pending"  # the killed attempt left nothing
            assert wait_until(lambda: OutboxMessage.objects.get(pk=message.pk).status == "delivered", timeout=90)
        finally:
            kill_tree(worker, signal.SIGTERM)
        delivered = OutboxMessage.objects.get(pk=message.pk)
        assert delivered.attempts == 1 and delivered.delivered_at is not None
        # At least once: the receiver saw the event twice at most, always under one X-Event-Id to drop duplicates by.
        event_ids = {r["headers"]["X-Event-Id"] for r in receiver.requests}
        assert event_ids == {str(message.event_id)} and 1 <= len(receiver.requests) <= 2
        assert {json.loads(r["body"])["number"] for r in receiver.requests} == {"QC-2026-000001"}
    finally:
        receiver.close()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of our own on a free port, to stop and start (never the shared one on 6379)."""
    port = free_port()
    redis_server = shutil.which("redis-server")
    if not redis_server:
        pytest.skip("redis-server is not installed")
    processes = []

    class PrivateRedis:
        url = f"redis://127.0.0.1:{port}/0"

        def start(self):
            process = subprocess.Popen(
                [
                    redis_server,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            processes.append(process)
            import redis

            assert wait_until(lambda: _ping(redis.Redis.from_url(self.url, socket_connect_timeout=0.5)), timeout=20)

        def stop(self):
            for process in processes:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=20)

    def _ping(client):
        try:
            return client.ping()
        except Exception:
            return False

    server = PrivateRedis()
    yield server
    server.stop()


def test_redis_stopped_filings_still_succeed_and_their_webhooks_go_out_once_redis_is_back(
    clock, unit, all_scopes_client, celery_to, private_redis
):
    from casework.tasks import deliver_outbox
    from certificates import services
    from certificates.models import CertificateApplication
    from tests.certificates.factories import JOB, ProfessionFactory

    receiver = Receiver()
    worker = None
    try:
        WebhookSubscription.objects.create(
            client=all_scopes_client.api_client, url=receiver.url, events=["application.status_changed"]
        )
        profession = ProfessionFactory()
        private_redis.start()
        private_redis.stop()  # Redis goes down
        celery_to(private_redis.url)
        numbers = []
        for n in range(3):
            response = all_scopes_client.post(
                "/api/v1/certificate-applications/",
                certificate_body(profession.code, surname=f"Karimov{n}"),
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"redis-down-{n}",
            )
            assert response.status_code == 201, response.content
            numbers.append(response.json()["number"])
        for application in CertificateApplication.objects.all():  # the clerk registers them: a status webhook each
            services.register_application(application, actor=JOB)
        assert OutboxMessage.objects.filter(status="pending").count() == 3
        assert receiver.requests == []

        private_redis.start()  # Redis is back: the periodic sweep (beat → worker) sends what is pending
        outbox._broker_down_until = 0.0
        deliver_outbox.apply_async()
        worker = start_worker(worker_env(broker=private_redis.url))
        assert wait_until(lambda: not OutboxMessage.objects.filter(status="pending").exists(), timeout=90)
        sent = sorted(json.loads(r["body"])["number"] for r in receiver.requests)
        assert sent == sorted(numbers)  # each once
    finally:
        if worker is not None:
            kill_tree(worker, signal.SIGTERM)
        receiver.close()


def test_connection_dropped_in_the_middle_of_a_certificate_filing_is_a_clean_503_and_nothing_is_saved(
    clock, unit, all_scopes_client
):
    """tests/casework/test_api_problems.py drops the connection in a test view; this drops it inside the real
    filing, between the application row and its attachments."""
    import psycopg2

    from certificates import services
    from certificates.models import CertificateApplication
    from tests.certificates.factories import ProfessionFactory

    profession = ProfessionFactory()
    real_attach = services.attach_many
    calls = []

    def attach_then_lose_the_database(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            db = connection.settings_dict
            killer = psycopg2.connect(
                dbname=db["NAME"],
                user=db["USER"] or "postgres",
                host=db["HOST"] or "127.0.0.1",
                port=db["PORT"] or 5432,
            )
            killer.autocommit = True
            with killer.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            killer.close()
        return real_attach(*args, **kwargs)

    try:
        with mock.patch.object(services, "attach_many", attach_then_lose_the_database):
            response = all_scopes_client.post(
                "/api/v1/certificate-applications/",
                certificate_body(profession.code),
                format="json",
                HTTP_IDEMPOTENCY_KEY="drop-mid-filing",
            )
    finally:
        connection.close()
    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "service_unavailable" and response["Retry-After"]
    assert len(calls) == 1
    assert not CertificateApplication.objects.exists()
    assert not Person.objects.exists() and not Attachment.objects.exists()
    assert not IdempotencyRecord.objects.exists()
