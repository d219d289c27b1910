"""The public check of an issued document: ``GET /verify/<number>`` (API.md; the QR code on every document).

Anyone may ask, without an account, so the page shows only what the document itself prints (title,
number, date, issuer, holder's name, validity, the other printed facts the service declared) and
whether it is genuine and valid today — never the case file, the reason of a revocation or any
other personal data. It is rate-limited per client address (a cache-based fixed window).
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .models.issued import DocumentStatus, IssuedDocument
from .pdf import PRINTED_LABELS

NUMBER_SHAPE = re.compile(r"[A-Za-z0-9-]{1,40}")
DEFAULT_RATE_LIMIT_PER_MINUTE = 60  # settings.VERIFY_RATE_LIMIT_PER_MINUTE overrides

STATUS_EXPLANATIONS = {
    DocumentStatus.VALID: _("The document is genuine and valid."),
    DocumentStatus.EXPIRED: _("The document is genuine, but its term of validity has ended."),
    DocumentStatus.REVOKED: _("The document is genuine, but it has been revoked and is no longer valid."),
    DocumentStatus.SUPERSEDED: _("The document is genuine, but it has been replaced by a newer document."),
    DocumentStatus.TERMINATED: _("The document is genuine, but its validity has been terminated."),
    DocumentStatus.VOID: _("The document was cancelled as issued in error and is not valid."),
}


def client_address(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is the client's to forge unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request, scope: str = "verify", per_minute: int | None = None) -> bool:
    """True when this address has already made ``per_minute`` requests in the current minute."""
    if per_minute is None:
        per_minute = getattr(settings, "VERIFY_RATE_LIMIT_PER_MINUTE", DEFAULT_RATE_LIMIT_PER_MINUTE)
    window = int(timezone.now().timestamp() // 60)
    who = salted_hmac("casework.verify.ratelimit", client_address(request)).hexdigest()[:32]  # no raw address kept
    key = f"ratelimit:{scope}:{who}:{window}"
    if cache.add(key, 1, timeout=65):
        return per_minute < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=65)
        count = 1
    return count > per_minute


def _no_store(response):
    response["Cache-Control"] = "no-store"  # the status can change at any moment
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def verify_document(request, number: str):
    if rate_limited(request):
        response = render(request, "casework/verify_rate_limited.html", status=429)
        response["Retry-After"] = "60"
        return _no_store(response)
    copies = []
    if NUMBER_SHAPE.fullmatch(number):
        copies = list(IssuedDocument.objects.filter(number=number.upper()).order_by("language"))
    if not copies:
        return _no_store(render(request, "casework/verify_not_found.html", {"number": number[:40]}, status=404))

    language = translation.get_language() or settings.LANGUAGE_CODE
    shown = next((c for c in copies if c.language == language), None) or next(
        (c for c in copies if c.language == "ru"), copies[0]
    )
    status = shown.effective_status
    printed = [(PRINTED_LABELS[key], value) for key, value in (shown.printed or {}).items() if key in PRINTED_LABELS]
    context = {
        "document": shown,
        "kind_label": shown.get_kind_display(),
        "status": status,
        "status_label": DocumentStatus(status).label,
        "status_explanation": STATUS_EXPLANATIONS[status],
        "is_valid": status == DocumentStatus.VALID,
        "status_since": shown.status_changed_at if status == shown.status and status != DocumentStatus.VALID else None,
        "printed": printed,
        "languages": [c.get_language_display() for c in copies],
        "checked_at": timezone.localtime(),
    }
    return _no_store(render(request, "casework/verify.html", context))
