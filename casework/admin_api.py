"""Admin of the portal API's clients, webhooks, outbox and idempotency records.

Adding a client generates its key and shows it once (a message); only the hash is stored. A webhook's signing
secret is shown once too (when added or rotated), masked afterwards. Clients
are revoked, never deleted (they are named in case histories); outbox messages and idempotency
records are evidence and read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casework import outbox
from casework.models import API_SCOPES, ApiClient, IdempotencyRecord, OutboxMessage, WebhookSubscription
from casework.models.api import new_webhook_secret

KNOWN_EVENTS = {
    outbox.STATUS_CHANGED: _("an application's status changed"),
    "*": _("every event"),
}


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=list(API_SCOPES.items()), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiClient
        fields = ("name", "kind", "scopes", "is_active")

    def clean_scopes(self):
        return sorted(self.cleaned_data["scopes"])


def _show_key_once(request, client, raw_key):
    messages.warning(
        request,
        _("The key of %(name)s is shown only now; copy it to the client, it cannot be displayed again: %(key)s")
        % {"name": client.name, "key": raw_key},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "kind", "key_prefix", "scope_list", "is_active", "revoked_at", "last_used_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "key_prefix")
    readonly_fields = ("key_prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke", "issue_new_key"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes or [])

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the client is named in case histories

    def save_model(self, request, obj, form, change):
        raw_key = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if raw_key:
            _show_key_once(request, obj, raw_key)

    @admin.action(description=_("Revoke the selected clients' keys"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for client in queryset.filter(revoked_at__isnull=True):
            client.revoke()
            count += 1
        self.message_user(request, ngettext("%d client revoked.", "%d clients revoked.", count) % count)

    @admin.action(description=_("Issue a new key (the old one stops working)"), permissions=["change"])
    def issue_new_key(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one client to issue a key for."), messages.ERROR)
            return
        client = queryset.get()
        raw_key = client.set_new_key()
        client.is_active, client.revoked_at = True, None
        client.save(update_fields=["key_prefix", "key_hash", "is_active", "revoked_at"])
        _show_key_once(request, client, raw_key)


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=list(KNOWN_EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("client", "url", "events", "is_active")


def _show_secret_once(request, subscription):
    messages.warning(
        request,
        _(
            "The signing secret of the webhook %(url)s is shown only now; give it to the receiver (it checks "
            "X-Signature with it), it cannot be displayed again: %(secret)s"
        )
        % {"url": subscription.url, "secret": subscription.secret},
    )


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """The signing secret is kept in clear (HMAC needs it) but shown once — when the subscription is added or its
    secret rotated — like an API key; afterwards only its first characters, to tell secrets apart."""

    form = WebhookSubscriptionForm
    list_display = ("client", "url", "event_list", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("masked_secret", "created_at")
    actions = ["rotate_secret"]

    @admin.display(description=_("events"))
    def event_list(self, obj):
        return ", ".join(obj.events or [])

    @admin.display(description=_("signing secret"))
    def masked_secret(self, obj):
        if not obj or not obj.secret:
            return "—"
        return _("%(start)s… (shown once when added or rotated)") % {"start": obj.secret[:4]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            _show_secret_once(request, obj)

    @admin.action(description=_("Rotate the signing secret (the receiver needs the new one)"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        for subscription in queryset:
            subscription.secret = new_webhook_secret()
            subscription.save(update_fields=["secret"])
            self.log_change(request, subscription, [{"changed": {"fields": ["secret"]}}])
            _show_secret_once(request, subscription)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: its messages are the record of what was sent


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "event",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    )
    list_filter = ("status", "event")
    search_fields = ("event_id",)
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("casework.change_outboxmessage")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry(self, request, queryset):
        with transaction.atomic():
            count = outbox.retry_now(list(queryset))
        self.message_user(request, ngettext("%d message queued again.", "%d messages queued again.", count) % count)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ("key", "client", "response_status", "created_at")
    list_filter = ("client",)
    search_fields = ("key",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
