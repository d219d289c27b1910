"""Per-address rate limits for the public pages, counted in Django's cache (fixed windows).

The address is never stored as such: the cache key holds a keyed hash of it. Configure the cache
(Redis) in production so the limits hold across worker processes; each limit can be changed with
``settings.PUBLIC_RATE_LIMITS = {"submit": (20, 3600), "track": (10, 600)}``.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from casework.client_address import client_address  # the one rule (TRUSTED_PROXY_COUNT); tests import it here too

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "submit": (20, 3600),  # application submissions (each POST) per address per hour
    "track": (10, 600),  # status look-ups (number + access code) per address per 10 minutes
}


@dataclass(frozen=True)
class Limited:
    retry_after: int  # seconds until the window ends


def limits() -> dict[str, tuple[int, int]]:
    # /verify/<number> (the QR code's page): VERIFY_RATE_LIMIT_PER_MINUTE look-ups per address a minute.
    verify = (getattr(settings, "VERIFY_RATE_LIMIT_PER_MINUTE", 60), 60)
    return {**DEFAULT_LIMITS, "verify": verify, **getattr(settings, "PUBLIC_RATE_LIMITS", {})}


def hit(request, scope: str) -> Limited | None:
    """Count one attempt in ``scope``; a ``Limited`` when the address is over the limit."""
    limit, window = limits()[scope]
    now = time.time()
    window_start = int(now // window)
    who = salted_hmac("casework.public.ratelimit", client_address(request)).hexdigest()[:32]
    key = f"public-rl:{scope}:{who}:{window_start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return Limited(retry_after=max(1, int((window_start + 1) * window - now)))
    return None
