"""API keys and scopes (API.md "Authentication").

``Authorization: Token <key>``. After authentication ``request.user`` is ``None`` (an API client is
not a clerk, so nothing that checks a user's permissions can mistake it for one) and ``request.auth``
is the ``casework.models.ApiClient``. ``HasScopes`` reads ``view.required_scopes``.
"""

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from casework.models import ApiClient
from casework.models.api import hash_key

KEYWORD = "Token"


# Clients recently authenticated by this process, by the SHA-256 of their key: every portal request used to
# cost a query for its key. An entry lives API_KEY_CACHE_SECONDS (5 s by default); saving or deleting any
# ApiClient (revocation, new scopes) empties the cache of the process that did it at once, and the other
# web processes within those seconds. The raw key is never kept.
_recent: dict[str, tuple[float, ApiClient]] = {}
_RECENT_MAX = 256


def authenticated_client(raw_key: str) -> ApiClient | None:
    """``ApiClient.authenticate_key`` through the short per-process cache."""
    ttl = getattr(settings, "API_KEY_CACHE_SECONDS", 5)
    digest = hash_key(raw_key)
    now = time.monotonic()
    hit = _recent.get(digest)
    if hit is not None and hit[0] > now:
        return hit[1]
    client = ApiClient.authenticate_key(raw_key)
    if client is not None and ttl > 0:
        if len(_recent) >= _RECENT_MAX:
            _recent.clear()
        _recent[digest] = (now + ttl, client)
    return client


def forget_authenticated_clients(**kwargs) -> None:
    _recent.clear()


post_save.connect(forget_authenticated_clients, sender=ApiClient, dispatch_uid="api-key-cache-save")
post_delete.connect(forget_authenticated_clients, sender=ApiClient, dispatch_uid="api-key-cache-delete")


class ApiKeyAuthentication(BaseAuthentication):
    """No ``Authorization: Token`` header → not authenticated (the permission then answers 401);
    a malformed, unknown or revoked key → 401 ``invalid_token``. Both carry ``WWW-Authenticate: Token``."""

    keyword = KEYWORD

    def authenticate(self, request):
        try:
            parts = get_authorization_header(request).split()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key."), code="invalid_token") from None
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: use 'Token <key>'."), code="invalid_token"
            )
        try:
            raw_key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key."), code="invalid_token") from None
        client = authenticated_client(raw_key)
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."), code="invalid_token")
        client.touch()
        return (None, client)

    def authenticate_header(self, request):
        return self.keyword


def required_scopes_for(view, request) -> tuple[str, ...]:
    """``view.required_scopes``: a list (every method), or a dict by HTTP method or viewset action."""
    scopes = getattr(view, "required_scopes", None)
    if scopes is None:
        raise ImproperlyConfigured(f"{type(view).__name__} must declare required_scopes (use () for 'any client').")
    if isinstance(scopes, dict):
        action = getattr(view, "action", None)
        if action in scopes:
            return tuple(scopes[action])
        if request.method in scopes:
            return tuple(scopes[request.method])
        if request.method == "HEAD" and "GET" in scopes:
            return tuple(scopes["GET"])
        raise ImproperlyConfigured(f"{type(view).__name__}.required_scopes has no entry for {request.method}.")
    if isinstance(scopes, str):
        return (scopes,)
    return tuple(scopes)


class HasScopes(BasePermission):
    """The client's key carries every scope the view requires; else 403 ``insufficient_scope``."""

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False  # DRF turns this into 401 NotAuthenticated (the view has an authenticator)
        needed = required_scopes_for(view, request)
        missing = sorted(set(needed) - set(client.scopes or []))
        if missing:
            raise exceptions.PermissionDenied(
                _("This API key lacks the scope(s): %(scopes)s.") % {"scopes": ", ".join(missing)},
                code="insufficient_scope",
            )
        return True


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Shows the Token scheme in the OpenAPI schema and Swagger UI's "Authorize" dialog."""

    target_class = "casework.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Authorization: Token <key>`. Keys are issued per client with scopes: "
                "applications:submit, applications:read, notices:submit, revocations:read, calendar:read. "
                "Each operation's description names the scope it requires."
            ),
        }
