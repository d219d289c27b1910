"""Which cases this browser session may see: those it filed or looked up with number + access code.

A case is remembered under a random handle (the only thing that appears in a URL; it means nothing
outside this session) together with a fingerprint of the case's access-code hash at the moment the
code was proven. Every later page re-checks that fingerprint against the case, so a session loses
access as soon as the office issues a new code. The plain code is never kept, except the one-time
code of a fresh submission, held until the receipt shows it once.
"""

import secrets
from dataclasses import dataclass

from django.apps import apps
from django.utils.crypto import constant_time_compare, salted_hmac

from casework.models import Case

from .registry import PublicService, service_for_model

SESSION_KEY = "public_cases"
CODES_KEY = "public_new_codes"
MAX_REMEMBERED = 20


@dataclass(frozen=True)
class Remembered:
    handle: str
    service: PublicService
    case: Case


def fingerprint(case: Case) -> str:
    return salted_hmac("casework.public.access", case.access_code_hash or "-").hexdigest()


def remember(request, case: Case, *, access_code: str | None = None) -> str:
    """Let this session see ``case``; returns the handle for URLs. ``access_code``: shown once on the receipt."""
    cases = dict(request.session.get(SESSION_KEY, {}))
    label = case._meta.label_lower
    # The same case again keeps its handle.
    existing = [h for h, entry in cases.items() if entry.get("model") == label and entry.get("pk") == case.pk]
    handle = existing[0] if existing else secrets.token_urlsafe(9)
    cases[handle] = {"model": label, "pk": case.pk, "fp": fingerprint(case)}
    if len(cases) > MAX_REMEMBERED:
        for old in list(cases)[: len(cases) - MAX_REMEMBERED]:
            cases.pop(old)
    request.session[SESSION_KEY] = cases
    if access_code:
        codes = dict(request.session.get(CODES_KEY, {}))
        codes[handle] = access_code
        request.session[CODES_KEY] = codes
    # A public computer: the session ends with the browser.
    request.session.set_expiry(0)
    return handle


def recall(request, handle: str) -> Remembered | None:
    """The case behind ``handle`` if this session proved its access code and the code is still the same."""
    entry = request.session.get(SESSION_KEY, {}).get(handle)
    if not isinstance(entry, dict):
        return None
    try:
        model = apps.get_model(entry["model"])
    except (LookupError, KeyError, ValueError):
        return None
    service = service_for_model(model)
    case = model.objects.filter(pk=entry.get("pk")).first() if service else None
    if case is None or not constant_time_compare(entry.get("fp", ""), fingerprint(case)):
        return None
    return Remembered(handle=handle, service=service, case=case)


def remembered(request) -> list[Remembered]:
    found = []
    for handle in list(request.session.get(SESSION_KEY, {})):
        item = recall(request, handle)
        if item is not None:
            found.append(item)
    return found


def forget(request, handle: str) -> None:
    cases = dict(request.session.get(SESSION_KEY, {}))
    cases.pop(handle, None)
    request.session[SESSION_KEY] = cases
    take_new_code(request, handle)


def take_new_code(request, handle: str) -> str | None:
    """The one-time access code of a fresh submission: returned once, then gone from the session."""
    codes = dict(request.session.get(CODES_KEY, {}))
    code = codes.pop(handle, None)
    if code is not None:
        request.session[CODES_KEY] = codes
    return code
