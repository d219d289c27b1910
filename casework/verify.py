"""The public check of an issued document: ``GET /verify/<number>`` (API.md; the QR code on every document).

Anyone may ask, without an account, so the page shows only what the document itself prints (title,
number, date, issuer, holder's name, validity, the other printed facts the service declared) and
whether it is genuine and valid today — never the case file, the reason of a revocation or any
other personal data. It is rate-limited per client address (casework.public.ratelimit, scope "verify").
"""

import re

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .models.issued import DocumentStatus, IssuedDocument
from .pdf import PRINTED_LABELS
from .public import ratelimit

NUMBER_SHAPE = re.compile(r"[A-Za-z0-9-]{1,40}")

STATUS_EXPLANATIONS = {
    DocumentStatus.VALID: _("The document is genuine and valid."),
    DocumentStatus.EXPIRED: _("The document is genuine, but its term of validity has ended."),
    DocumentStatus.REVOKED: _("The document is genuine, but it has been revoked and is no longer valid."),
    DocumentStatus.SUPERSEDED: _("The document is genuine, but it has been replaced by a newer document."),
    DocumentStatus.TERMINATED: _("The document is genuine, but its validity has been terminated."),
    DocumentStatus.VOID: _("The document was cancelled as issued in error and is not valid."),
}


def _no_store(response):
    response["Cache-Control"] = "no-store"  # the status can change at any moment
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def verify_document(request, number: str):
    limited = ratelimit.hit(request, "verify")
    if limited:
        response = render(request, "casework/verify_rate_limited.html", status=429)
        response["Retry-After"] = str(limited.retry_after)
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
