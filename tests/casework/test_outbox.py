"""Webhooks through the outbox: never sent for a rolled-back change, never lost when the receiver or
the broker is down, signed, retried with backoff (API.md "Status changes are also pushed")."""

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from casework import outbox
from casework.models import ApiClient, OutboxMessage, Person, WebhookSubscription
from casework.tasks import deliver_outbox
from tests.casework.api_urls import portal_client

EVENT = "application.status_changed"


class Receiver:
    """A real HTTP server on 127.0.0.1 answering with the queued statuses (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/permits"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def broker_assumed_up():
    outbox._broker_down_until = 0.0
    yield
    outbox._broker_down_until = 0.0


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def subscribe(url, events=(EVENT,), name="portal", **kwargs):
    client = ApiClient.objects.filter(name=name).first() or ApiClient.issue(name, ["applications:read"], "portal")[0]
    return WebhookSubscription.objects.create(client=client, url=url, events=list(events), **kwargs)


def verify(request, secret):
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(request["headers"]["X-Signature"], expected)


def make_due(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/nobody-listens"


# --- publishing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_message_and_sends_nothing(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.publish_status_changed("QC-2026-000001", "registered")
            raise RuntimeError("the service failed after publishing")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert receiver.requests == []


@pytest.mark.django_db
def test_one_message_per_active_subscription_that_wants_the_event(receiver, django_capture_on_commit_callbacks):
    wanted = subscribe(receiver.url)
    everything = subscribe(receiver.url, events=["*"], name="sc")
    subscribe(receiver.url, events=["complaint.registered"], name="other")
    subscribe(receiver.url, is_active=False, name="inactive")
    revoked = subscribe(receiver.url, name="revoked")
    revoked.client.revoke()
    with django_capture_on_commit_callbacks() as callbacks:
        messages = outbox.publish_status_changed("QC-2026-000001", "registered")
    assert {m.subscription for m in messages} == {wanted, everything}
    assert len({m.event_id for m in messages}) == 1  # one event, one id, whoever receives it
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_publish_can_be_limited_to_one_client(receiver):
    mine = subscribe(receiver.url)
    subscribe(receiver.url, name="sc")
    messages = outbox.publish_status_changed("QC-1", "registered", clients=[mine.client])
    assert [m.subscription for m in messages] == [mine]


@pytest.mark.django_db
def test_nothing_is_queued_without_subscribers(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert outbox.publish_status_changed("QC-1", "registered") == []
    assert callbacks == []


# --- delivery ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delivery_posts_the_signed_event_after_commit(receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(receiver.url)
    at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = outbox.publish_status_changed("QC-2026-000001", "accepted", at)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DELIVERED
    assert message.attempts == 1 and message.delivered_at
    (request,) = receiver.requests
    assert json.loads(request["body"]) == {
        "event": EVENT,
        "number": "QC-2026-000001",
        "status": "accepted",
        "at": timezone.localtime(at).isoformat(timespec="seconds"),
    }
    assert "+05:00" in json.loads(request["body"])["at"] or "+06:00" in json.loads(request["body"])["at"]
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Event-Id"] == str(message.event_id)
    assert verify(request, subscription.secret)
    assert not verify(request, "another secret")


@pytest.mark.django_db
def test_receiver_answering_500_is_retried_with_backoff_and_not_lost(receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(receiver.url)
    receiver.statuses = [500, 503]
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        (message,) = outbox.publish_status_changed("QC-2026-000002", "registered")

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "HTTP 500")
    assert before + timedelta(seconds=29) < message.next_attempt_at < timezone.now() + timedelta(seconds=31)

    assert outbox.deliver_due() == {"delivered": 0, "failed": 0, "dead": 0}  # not due yet
    assert len(receiver.requests) == 1

    make_due(message)
    deliver_outbox()  # the periodic sweep
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 2, "HTTP 503")
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=59)  # 60 s after the 2nd failure

    make_due(message)
    deliver_outbox()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("delivered", 3, "")
    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-Event-Id"] for r in receiver.requests}) == 1
    assert len({r["body"] for r in receiver.requests}) == 1
    assert all(verify(r, subscription.secret) for r in receiver.requests)


@pytest.mark.django_db
def test_a_redirect_is_a_failed_delivery_not_followed(receiver):
    subscribe(receiver.url)
    receiver.statuses = [302]
    outbox.publish_status_changed("QC-1", "registered")
    outbox.deliver_due()
    message = OutboxMessage.objects.get()
    assert (message.status, message.last_error) == ("pending", "HTTP 302")
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_unreachable_receiver_keeps_the_message_pending_without_personal_data():
    subscribe(closed_port_url())
    outbox.publish("application.status_changed", {"number": "QC-1", "status": "registered", "at": "x"})
    outbox.deliver_due()
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error.startswith("URLError")
    assert "QC-1" not in message.last_error


def test_backoff_doubles_from_30_seconds_and_is_capped_at_6_hours():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff(20) == timedelta(hours=6)


@pytest.mark.django_db
@override_settings(OUTBOX_MAX_ATTEMPTS=2)
def test_message_is_dead_after_the_configured_attempts_and_can_be_retried(receiver):
    subscribe(receiver.url)
    receiver.statuses = [500, 500]
    (message,) = outbox.publish_status_changed("QC-1", "registered")
    outbox.deliver_due()
    make_due(message)
    outbox.deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 2)
    make_due(message)
    outbox.deliver_due()
    assert len(receiver.requests) == 2  # dead messages are not swept

    with transaction.atomic():
        assert outbox.retry_now([message]) == 1
    outbox.deliver_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 3)


@pytest.mark.django_db
def test_inactive_subscription_holds_its_messages(receiver):
    subscription = subscribe(receiver.url)
    outbox.publish_status_changed("QC-1", "registered")
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    outbox.deliver_due()
    assert receiver.requests == []
    assert OutboxMessage.objects.get().status == "pending"


# --- broker down ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls("tests.casework.api_urls")
def test_broker_down_the_request_still_succeeds_and_the_sweep_sends_later(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    _, http = portal_client(scopes=["applications:submit"], name="sc-office")
    body = {
        "surname": "Karimov",
        "given_name": "Aziz",
        "birth_date": "1990-04-02",
        "citizenship": "UZB",
        "passport_number": "FA1234567",
    }
    with mock.patch.object(deliver_outbox, "apply_async", side_effect=BrokerDown("Error 111 connecting")):
        with django_capture_on_commit_callbacks(execute=True):
            response = http.post("/api/v1/people/", body, format="json")
    assert response.status_code == 201
    assert Person.objects.count() == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 0)
    assert receiver.requests == []

    deliver_outbox()  # Redis is back: beat runs the sweep
    message.refresh_from_db()
    assert message.status == "delivered"
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_with_a_real_unreachable_redis_broker_enqueueing_fails_quietly(receiver, monkeypatch):
    from config.celery import app

    # Celery reads the CELERY_BROKER_URL environment variable before its configuration (CI sets it).
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    subscribe(receiver.url)
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_connection_timeout")}
    try:
        app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0", broker_connection_timeout=1)
        app._pool = None
        app.amqp._producer_pool = None
        with transaction.atomic():
            outbox.publish_status_changed("QC-1", "registered")
        started = time.monotonic()
        assert outbox.request_delivery([OutboxMessage.objects.get().pk]) is False
        assert outbox.request_delivery([OutboxMessage.objects.get().pk]) is False  # not tried again at once
        assert time.monotonic() - started < 10
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
    assert OutboxMessage.objects.get().status == "pending"
    assert receiver.requests == []


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_being_sent_by_one_worker_is_skipped_by_another(receiver):
    subscribe(receiver.url)
    with mock.patch.object(outbox, "request_delivery"):  # autocommit here: keep eager Celery from sending at once
        first, *_ = outbox.publish_status_changed("QC-1", "registered")
        second, *_ = outbox.publish_status_changed("QC-2", "registered")
    locked, release = threading.Event(), threading.Event()

    def worker_holding_the_first():
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=worker_holding_the_first)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        counts = outbox.deliver_due()  # must not wait for the locked row
    finally:
        release.set()
        thread.join()
    assert counts["delivered"] == 1
    assert [json.loads(r["body"])["number"] for r in receiver.requests] == ["QC-2"]
    assert OutboxMessage.objects.get(pk=first.pk).status == "pending"
    assert OutboxMessage.objects.get(pk=second.pk).status == "delivered"


# --- many at once (set-based jobs) ---------------------------------------------------------------------------


def message_rows():
    return [
        (m.event, m.payload, m.subscription_id, m.status, m.attempts, m.last_error, m.delivered_at, str(m.event_id))
        for m in OutboxMessage.objects.order_by("pk")
    ]


@pytest.mark.django_db
def test_many_changes_at_once_write_the_rows_one_by_one_publishing_writes(django_capture_on_commit_callbacks):
    """On PostgreSQL one INSERT … SELECT (no Python object per message), elsewhere bulk_create: the same rows as
    publish_status_changed for each change — per change one event id shared by its subscriptions."""
    first, second = subscribe("https://a.example/hook"), subscribe("https://b.example/hook", name="other")
    subscribe("https://c.example/hook", events=["something.else"], name="third")  # does not want the event
    at = timezone.now()
    changes = [("LIP-2026-000001", "expired"), ("LIP-2026-000002", "expired"), ("LIP-2026-000003", "terminated")]
    with django_capture_on_commit_callbacks() as callbacks:
        assert outbox.publish_status_changed_many(changes, at=at) == 6
    assert len(callbacks) == 1  # one delivery request for the whole batch
    many = message_rows()
    OutboxMessage.objects.all().delete()
    for number, status in changes:
        outbox.publish_status_changed(number, status, at=at)
    one_by_one = message_rows()
    assert [row[:-1] for row in many] == [row[:-1] for row in one_by_one]
    assert [row[2] for row in many] == [first.pk, second.pk] * 3
    event_ids = [row[-1] for row in many]
    assert event_ids[0] == event_ids[1] != event_ids[2] == event_ids[3] != event_ids[4] == event_ids[5]
    assert len(set(event_ids)) == 3


@pytest.mark.django_db
def test_many_changes_without_subscribers_or_changes_write_nothing():
    assert outbox.publish_status_changed_many([("LIP-2026-000001", "expired")]) == 0
    subscribe("https://a.example/hook")
    assert outbox.publish_status_changed_many([]) == 0
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_message_written_many_at_once_is_delivered_signed(receiver):
    subscription = subscribe(receiver.url)
    outbox.publish_status_changed_many([("LIP-2026-000007", "expired")])
    message = OutboxMessage.objects.get()
    make_due(message)
    assert outbox.deliver_due()["delivered"] == 1
    request = receiver.requests[0]
    assert verify(request, subscription.secret)
    body = json.loads(request["body"])
    assert body["event"] == EVENT and body["number"] == "LIP-2026-000007" and body["status"] == "expired"
    assert request["headers"]["X-Event-Id"] == str(message.event_id)
