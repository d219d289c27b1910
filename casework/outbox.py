"""Webhooks through an outbox (API.md "Status changes are also pushed").

``publish(event, payload)`` writes one ``OutboxMessage`` per active subscription that wants the event,
in the caller's transaction: a change that rolls back leaves no message, a change that commits always
leaves one, whether or not Redis is up. After commit it asks Celery to deliver; if the broker is down
that request is dropped (logged) and the periodic sweep (``casework.tasks.deliver_outbox``) sends the
rows later.

Delivery is at least once: a worker killed after the receiver answered but before the row was marked
delivered sends it again. ``X-Event-Id`` stays the same across retries so a receiver can drop duplicates.
A message row is locked (``select_for_update(skip_locked=True)``) while it is being sent, so two
workers never send the same message at the same time.

HTTP goes through ``urllib.request`` (no extra dependency): no redirects followed, http/https only.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.utils import timezone

from casework.models import OutboxMessage, WebhookSubscription

logger = logging.getLogger(__name__)

STATUS_CHANGED = "application.status_changed"


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("OUTBOX_MAX_ATTEMPTS", 20)  # ≈ 3 days with the default backoff


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, 60 s, 120 s, ... capped at 6 h."""
    base = _setting("OUTBOX_BACKOFF_BASE_SECONDS", 30)
    cap = _setting("OUTBOX_BACKOFF_CAP_SECONDS", 6 * 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


# --- publishing ----------------------------------------------------------------------------------


def _subscriptions():
    """The subscriptions that receive events: active, of an active client whose key is not revoked."""
    return WebhookSubscription.objects.filter(
        is_active=True, client__is_active=True, client__revoked_at__isnull=True
    ).order_by("pk")


def _event_time(at) -> str:
    """``at`` (default now) as the event's "at": office-local ISO 8601 to the second (API.md)."""
    return timezone.localtime(at or timezone.now()).isoformat(timespec="seconds")


def publish(event: str, payload: dict, *, clients=None) -> list[OutboxMessage]:
    """Queue ``{"event": event, **payload}`` for every active subscription to ``event``.

    Call it inside the service's ``transaction.atomic()``. ``clients`` (ApiClient or ids) limits the
    audience, e.g. to the client that filed the application; None sends to every subscriber.
    """
    subscriptions = _subscriptions()
    if clients is not None:
        subscriptions = subscriptions.filter(client__in=clients)
    event_id = uuid.uuid4()
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(event_id=event_id, event=event, payload=payload, subscription=subscription)
            for subscription in subscriptions
            if subscription.wants(event)
        ]
    )
    if messages:
        ids = [m.pk for m in messages if m.pk is not None]
        transaction.on_commit(lambda: request_delivery(ids), robust=True)
    return messages


def publish_status_changed(number: str, status: str, at=None, *, clients=None) -> list[OutboxMessage]:
    """The event API.md fixes: {"event": "application.status_changed", "number", "status", "at"}."""
    return publish(STATUS_CHANGED, {"number": number, "status": status, "at": _event_time(at)}, clients=clients)


def publish_status_changed_many(changes, at=None) -> int:
    """``publish_status_changed`` for many applications at once — ``changes`` is [(number, status)] — with one
    subscription query and, on PostgreSQL, one INSERT … SELECT (set-based jobs: a day's expiries; no Python
    object per message). Each change is its own event (its own event id, shared by its subscriptions' messages,
    as ``publish`` does); the same rows on every backend (tests/casework/test_outbox.py)."""
    at = _event_time(at)
    changes = list(changes)
    subscriptions = [s for s in _subscriptions() if s.wants(STATUS_CHANGED)]
    if not subscriptions or not changes:
        return 0
    connection = connections[router.db_for_write(OutboxMessage)]
    if connection.vendor == "postgresql":
        created = _insert_status_changes_postgresql(connection, changes, [s.pk for s in subscriptions], at)
    else:
        created = len(
            OutboxMessage.objects.bulk_create(
                [
                    OutboxMessage(
                        event_id=event_id,
                        event=STATUS_CHANGED,
                        payload={"number": number, "status": status, "at": at},
                        subscription=subscription,
                    )
                    for number, status, event_id in ((n, st, uuid.uuid4()) for n, st in changes)
                    for subscription in subscriptions
                ],
                batch_size=1000,
            )
        )
    transaction.on_commit(lambda: request_delivery(None), robust=True)  # the sweep sends them all
    return created


def _insert_status_changes_postgresql(connection, changes, subscription_ids: list[int], at: str) -> int:
    meta = OutboxMessage._meta
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in meta.concrete_fields}
    now = timezone.now()
    sql = f"""
        WITH change AS MATERIALIZED (
            SELECT gen_random_uuid() AS event_id, c.number, c.status, c.ord
            FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS c(number, status, ord)
        )
        INSERT INTO {quote(meta.db_table)} (
            {column["event_id"]}, {column["event"]}, {column["payload"]}, {column["subscription"]}, {column["status"]},
            {column["attempts"]}, {column["next_attempt_at"]}, {column["last_error"]}, {column["created_at"]},
            {column["delivered_at"]}
        )
        SELECT change.event_id, %s,
               jsonb_build_object('number', change.number, 'status', change.status, 'at', %s::text),
               s.id, %s, 0, %s, '', %s, NULL
        FROM change CROSS JOIN unnest(%s::bigint[]) WITH ORDINALITY AS s(id, ord)
        ORDER BY change.ord, s.ord
    """  # noqa: S608 - names from the model's metadata, every value a parameter
    params = [
        [number for number, _status in changes],
        [str(status) for _number, status in changes],
        STATUS_CHANGED,
        at,
        OutboxMessage.Status.PENDING,
        now,
        now,
        subscription_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_broker_down_until = 0.0  # monotonic time; after a failed enqueue, skip the broker for a while


def request_delivery(message_ids: list[int] | None = None) -> bool:
    """Ask a worker to deliver now. Never raises: with the broker down the rows stay pending for the sweep.

    After a failure the broker is not tried again for ``OUTBOX_BROKER_RETRY_SECONDS`` (30 s), so a Redis
    outage costs one connection timeout, not one per request.
    """
    global _broker_down_until
    from casework.tasks import deliver_outbox

    if time.monotonic() < _broker_down_until:
        return False
    try:
        deliver_outbox.apply_async(kwargs={"message_ids": message_ids}, retry=False)
    except Exception as exc:  # broker down, DNS, auth ... — the outbox row is the durable record
        if not deliver_outbox.app.conf.task_always_eager:  # eager: the task itself failed, not the broker
            _broker_down_until = time.monotonic() + _setting("OUTBOX_BROKER_RETRY_SECONDS", 30)
        logger.warning(
            "outbox: could not enqueue delivery of %d message(s) (%s); the periodic sweep will send them",
            len(message_ids or []),
            type(exc).__name__,
        )
        return False
    return True


# --- delivery ------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is a failed delivery, not an invitation to post elsewhere


_opener = urllib.request.build_opener(_NoRedirect)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def encode_body(message: OutboxMessage) -> bytes:
    return json.dumps(message.body, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def send(message: OutboxMessage) -> str | None:
    """POST the message once. None on a 2xx, else a short error text (no personal data: no response body)."""
    subscription = message.subscription
    if urlsplit(subscription.url).scheme not in ("http", "https"):
        return "refused: URL scheme must be http or https"
    body = encode_body(message)
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "permit-office-webhooks/1",
            "X-Event-Id": str(message.event_id),
            "X-Event": message.event,
            "X-Signature": sign(subscription.secret, body),
        },
    )
    try:
        with _opener.open(request, timeout=_setting("WEBHOOK_TIMEOUT_SECONDS", 5)) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None)
        return f"{type(exc).__name__}: {type(reason).__name__ if isinstance(reason, BaseException) else reason}"[:300]
    return None if 200 <= status < 300 else f"HTTP {status}"


def _claim_next(message_ids=None):
    now = timezone.now()
    due = OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now, subscription__is_active=True
    )
    if message_ids is not None:
        due = due.filter(pk__in=message_ids)
    return due.select_related("subscription").order_by("next_attempt_at", "pk").first()


def deliver_due(message_ids: list[int] | None = None, limit: int = 100) -> dict:
    """Send due pending messages (only ``message_ids`` if given), one row-locked transaction each."""
    counts = {"delivered": 0, "failed": 0, "dead": 0}
    for _ in range(limit):
        with transaction.atomic():
            message = _claim_next(message_ids)
            if message is None:
                break
            error = send(message)
            now = timezone.now()
            message.attempts += 1
            if error is None:
                message.status = OutboxMessage.Status.DELIVERED
                message.delivered_at = now
                message.last_error = ""
                counts["delivered"] += 1
            else:
                message.last_error = error[:300]
                if message.attempts >= max_attempts():
                    message.status = OutboxMessage.Status.DEAD
                    counts["dead"] += 1
                    logger.error("outbox: message %s dead after %d attempts: %s", message.pk, message.attempts, error)
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                    counts["failed"] += 1
            message.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "delivered_at"])
    return counts


def retry_now(messages) -> int:
    """Admin "retry now": pending again, due immediately; one more failure sends a dead one back to dead."""
    ids = [m.pk for m in messages]
    count = (
        OutboxMessage.objects.filter(pk__in=ids)
        .exclude(status=OutboxMessage.Status.DELIVERED)
        .update(status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now())
    )
    if count:
        transaction.on_commit(lambda: request_delivery(ids), robust=True)
    return count
