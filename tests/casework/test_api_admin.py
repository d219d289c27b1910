"""Admin of API clients, webhooks, outbox and idempotency records."""

import re

import pytest
from django.contrib.messages import get_messages

from casework import outbox
from casework.models import ApiClient, IdempotencyRecord, OutboxMessage, WebhookSubscription
from casework.models.api import hash_key

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.casework.api_urls")]


@pytest.fixture
def admin_http(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    client.force_login(user)
    return client


def test_adding_a_client_shows_its_key_once_and_stores_only_the_hash(admin_http):
    response = admin_http.post(
        "/admin/casework/apiclient/add/",
        {"name": "portal", "kind": "portal", "scopes": ["applications:submit", "calendar:read"], "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    (key,) = [match.group(1) for text in texts if (match := re.search(r": (\S{40,})$", text))]
    client = ApiClient.objects.get(name="portal")
    assert client.key_hash == hash_key(key)
    assert client.scopes == ["applications:submit", "calendar:read"]
    assert ApiClient.authenticate_key(key) == client
    shown = admin_http.get(f"/admin/casework/apiclient/{client.pk}/change/").content.decode()
    assert key in shown  # the message, displayed once
    page = admin_http.get(f"/admin/casework/apiclient/{client.pk}/change/").content.decode()
    assert key not in page
    assert client.key_prefix in page


def test_scopes_are_checkboxes_and_unknown_scopes_are_refused(admin_http):
    page = admin_http.get("/admin/casework/apiclient/add/").content.decode()
    assert 'type="checkbox" name="scopes" value="revocations:read"' in page
    response = admin_http.post("/admin/casework/apiclient/add/", {"name": "x", "kind": "portal", "scopes": ["root"]})
    assert response.status_code == 200
    assert not ApiClient.objects.exists()


def test_revoke_action_and_no_deletion(admin_http):
    client, _ = ApiClient.issue("portal", ["calendar:read"], "portal")
    response = admin_http.post(
        "/admin/casework/apiclient/", {"action": "revoke", "_selected_action": [client.pk]}, follow=True
    )
    assert response.status_code == 200
    client.refresh_from_db()
    assert client.revoked_at is not None and not client.is_usable
    assert admin_http.get(f"/admin/casework/apiclient/{client.pk}/delete/").status_code == 403


def test_issue_new_key_replaces_the_old_one(admin_http):
    client, old_key = ApiClient.issue("portal", ["calendar:read"], "portal")
    response = admin_http.post(
        "/admin/casework/apiclient/", {"action": "issue_new_key", "_selected_action": [client.pk]}
    )
    (text,) = [str(m) for m in get_messages(response.wsgi_request)]
    new_key = text.rsplit(": ", 1)[1]
    assert ApiClient.authenticate_key(old_key) is None
    assert ApiClient.authenticate_key(new_key) == client


def test_outbox_is_read_only_with_a_retry_action(admin_http):
    client, _ = ApiClient.issue("portal", ["calendar:read"], "portal")
    WebhookSubscription.objects.create(client=client, url="http://127.0.0.1:9/", events=["*"])
    (message,) = outbox.publish_status_changed("QC-1", "registered")
    OutboxMessage.objects.filter(pk=message.pk).update(status="dead", attempts=20)
    assert admin_http.get("/admin/casework/outboxmessage/").status_code == 200
    assert admin_http.get(f"/admin/casework/outboxmessage/{message.pk}/change/").status_code == 200
    assert admin_http.get(f"/admin/casework/outboxmessage/{message.pk}/delete/").status_code == 403
    admin_http.post("/admin/casework/outboxmessage/", {"action": "retry", "_selected_action": [message.pk]})
    assert OutboxMessage.objects.get(pk=message.pk).status == "pending"


def test_webhook_subscription_gets_a_secret_and_is_not_deletable(admin_http):
    client, _ = ApiClient.issue("portal", ["calendar:read"], "portal")
    response = admin_http.post(
        "/admin/casework/webhooksubscription/add/",
        {
            "client": client.pk,
            "url": "https://portal.example.kz/hooks",
            "events": [outbox.STATUS_CHANGED],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    subscription = WebhookSubscription.objects.get()
    assert len(subscription.secret) >= 40
    assert admin_http.get(f"/admin/casework/webhooksubscription/{subscription.pk}/delete/").status_code == 403
    refused = admin_http.post(
        "/admin/casework/webhooksubscription/add/",
        {"client": client.pk, "url": "file:///etc/passwd", "events": ["*"]},
    )
    assert refused.status_code == 200
    assert WebhookSubscription.objects.count() == 1


def test_idempotency_records_are_read_only(admin_http):
    client, _ = ApiClient.issue("portal", ["calendar:read"], "portal")
    record = IdempotencyRecord.objects.create(client=client, key="k", request_fingerprint="0" * 64, response_status=201)
    assert admin_http.get("/admin/casework/idempotencyrecord/").status_code == 200
    assert admin_http.get("/admin/casework/idempotencyrecord/add/").status_code == 403
    assert admin_http.get(f"/admin/casework/idempotencyrecord/{record.pk}/delete/").status_code == 403


def test_a_webhook_secret_is_shown_once_then_masked_and_can_be_rotated(admin_http):
    client, _ = ApiClient.issue("portal", ["calendar:read"], "portal")
    added = admin_http.post(
        "/admin/casework/webhooksubscription/add/",
        {"client": client.pk, "url": "https://portal.example.kz/hooks", "events": ["*"], "is_active": "on"},
        follow=True,
    )
    subscription = WebhookSubscription.objects.get()
    first = subscription.secret
    assert first in added.content.decode()  # once, in the message after adding
    page = admin_http.get(f"/admin/casework/webhooksubscription/{subscription.pk}/change/").content.decode()
    assert first not in page and f"{first[:4]}…" in page
    assert first not in admin_http.get("/admin/casework/webhooksubscription/").content.decode()

    rotated = admin_http.post(
        "/admin/casework/webhooksubscription/",
        {"action": "rotate_secret", "_selected_action": [subscription.pk]},
        follow=True,
    )
    second = WebhookSubscription.objects.get().secret
    assert second != first and second in rotated.content.decode() and first not in rotated.content.decode()
    history = admin_http.get(f"/admin/casework/webhooksubscription/{subscription.pk}/history/").content.decode()
    assert first not in history and second not in history
