"""Machine clients of the portal API (API.md "Authentication", "Idempotency", webhooks) and the outbox.

Keys: 32 random bytes (``secrets.token_urlsafe(32)``), of which only a SHA-256 hex digest is kept.
A slow password hash (PBKDF2, Argon2) exists to make guessing a *low-entropy* secret expensive; a
256-bit random key cannot be guessed whatever the hash costs, so a fast hash loses nothing and keeps
every API request from spending ~100 ms of CPU on key stretching. The comparison is constant-time
(``hmac.compare_digest``) so response timing tells nothing about how much of a hash matched.
"""

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The scopes API.md fixes; an endpoint declares which one it needs (casework.api.auth.HasScopes).
API_SCOPES: dict[str, str] = {
    "applications:submit": _("file applications and complaints"),
    "applications:read": _("read applications, documents and the catalogue"),
    "notices:submit": _("submit employers' termination notices"),
    "revocations:read": _("read revocations (internal affairs)"),
    "calendar:read": _("read the working-day calendar and deadlines"),
}
KEY_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute per client


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


class ApiClient(models.Model):
    """A portal, a State Corporation office or the internal-affairs liaison calling the API."""

    class Kind(models.TextChoices):
        PORTAL = "portal", _("e-government portal")
        STATE_CORPORATION = "state_corporation", _("State Corporation office")
        POLICE_LIAISON = "police_liaison", _("internal-affairs liaison")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PORTAL)
    key_prefix = models.CharField(
        _("key prefix"),
        max_length=KEY_PREFIX_LENGTH,
        db_index=True,
        editable=False,
        help_text=_("The first characters of the key, to tell keys apart; not a secret."),
    )
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # --- keys -------------------------------------------------------------------------------
    def set_new_key(self) -> str:
        """Give the client a fresh key (not saved); the raw key is returned once and never stored."""
        raw_key = secrets.token_urlsafe(32)
        self.key_prefix = raw_key[:KEY_PREFIX_LENGTH]
        self.key_hash = hash_key(raw_key)
        return raw_key

    @classmethod
    def issue(cls, name: str, scopes, kind: str = Kind.PORTAL) -> tuple["ApiClient", str]:
        unknown = sorted(set(scopes) - set(API_SCOPES))
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(unknown)}")
        client = cls(name=name, kind=kind, scopes=sorted(set(scopes)))
        raw_key = client.set_new_key()
        client.save()
        return client, raw_key

    @classmethod
    def authenticate_key(cls, raw_key: str) -> "ApiClient | None":
        """The active client holding ``raw_key``, or None."""
        if not raw_key or len(raw_key) < KEY_PREFIX_LENGTH:
            return None
        digest = hash_key(raw_key)
        match = None
        for candidate in cls.objects.filter(key_prefix=raw_key[:KEY_PREFIX_LENGTH]):
            # Compare against every candidate, not just until a match, so timing does not depend on order.
            if hmac.compare_digest(candidate.key_hash, digest):
                match = candidate
        if match is None or not match.is_usable:
            return None
        return match

    @property
    def is_usable(self) -> bool:
        return self.is_active and self.revoked_at is None

    def revoke(self) -> None:
        self.is_active = False
        self.revoked_at = self.revoked_at or timezone.now()
        self.save(update_fields=["is_active", "revoked_at"])

    def touch(self) -> None:
        """Record use, at most once a minute: a conditional UPDATE, so concurrent requests do not all write."""
        now = timezone.now()
        if self.last_used_at and now - self.last_used_at < LAST_USED_RESOLUTION:
            return
        ApiClient.objects.filter(pk=self.pk).filter(
            models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        self.last_used_at = now

    # --- scopes -----------------------------------------------------------------------------
    def has_scopes(self, *scopes: str) -> bool:
        if len(scopes) == 1 and not isinstance(scopes[0], str):
            scopes = tuple(scopes[0])
        return set(scopes) <= set(self.scopes or [])


class IdempotencyRecord(models.Model):
    """The first response to a POST with an ``Idempotency-Key``, replayed for retries (API.md "Idempotency")."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(
        max_length=64, help_text=_("SHA-256 of method, path and canonical JSON body")
    )
    response_status = models.PositiveSmallIntegerField(null=True)
    # The JSON text exactly as first sent: jsonb would reorder keys, and a replay must be the same body.
    response_body = models.TextField(blank=True, default="")
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique_client_key")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """A client's URL that receives signed event notifications."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="webhook_subscriptions")
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["https", "http"])])
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_webhook_secret,
        help_text=_("HMAC-SHA256 key for the X-Signature header; give it to the receiver."),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_('Event names, e.g. ["application.status_changed"]; "*" for all.'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"

    def wants(self, event: str) -> bool:
        return "*" in (self.events or []) or event in (self.events or [])


class OutboxMessage(models.Model):
    """One event for one subscription, written in the transaction of the change it reports."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("dead (gave up)")

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, db_index=True, editable=False)
    event = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="messages")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now, db_index=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.status})"

    @property
    def body(self) -> dict:
        """What is POSTed (API.md: {"event": ..., "number": ..., "status": ..., "at": ...})."""
        return {"event": self.event, **self.payload}
