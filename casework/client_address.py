"""The client's address, the one rule for every place that needs it: the public pages' rate limits
(casework.public.ratelimit), who may read /metrics (casework.metrics).

Behind ``settings.TRUSTED_PROXY_COUNT`` reverse proxies (nginx; deploy/README.md) the address is the one the
outermost trusted proxy saw, read from the right of X-Forwarded-For (each proxy appends the address it was
called from); anything further left is whatever the client sent and is ignored. With no trusted proxy — or a
request that did not come through them (fewer entries than proxies) — REMOTE_ADDR only, and X-Forwarded-For
is never read.
"""

from django.conf import settings


def client_address(request) -> str:
    """The caller's address as a string; ``"unknown"`` when the server did not give one."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
