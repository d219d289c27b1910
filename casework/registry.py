"""Which service owns an application number, and how it is shown through ``GET /api/v1/applications/{number}``.

Every service registers its application model once (in its AppConfig.ready())::

    from casework.registry import register_service
    register_service(CertificateApplication, represent_certificate_application)

A number is ``PREFIX-YYYY-NNNNNN`` (casework.models.NumberSequence); the model's ``NUMBER_PREFIX``
finds the service. ``represent(case, request) -> dict`` returns the service's ``result`` (and may
override any other key); everything else (kind, status, registered_on, due, history) is common.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from .models import Case, TransitionLog

Represent = Callable[[Case, Any], dict]


@dataclass(frozen=True)
class ServiceEntry:
    prefix: str
    model: type[Case]
    represent: Represent | None = None


_SERVICES: dict[str, ServiceEntry] = {}


def register_service(
    model: type[Case], represent: Represent | None = None, *, prefix: str | None = None
) -> ServiceEntry:
    """Register ``model`` under its ``NUMBER_PREFIX`` (or ``prefix``); a later registration replaces it."""
    prefix = prefix or getattr(model, "NUMBER_PREFIX", "")
    if not prefix:
        raise ValueError(f"{model.__name__} has no NUMBER_PREFIX")
    entry = ServiceEntry(prefix=prefix, model=model, represent=represent)
    _SERVICES[prefix] = entry
    return entry


def registered_services() -> list[ServiceEntry]:
    return list(_SERVICES.values())


def number_prefix(number: str) -> str:
    """``QC-2026-000123`` → ``QC``; a prefix may itself contain hyphens (``LIP-X-2026-000001`` → ``LIP-X``)."""
    parts = (number or "").split("-")
    return "-".join(parts[:-2]) if len(parts) >= 3 else ""


def service_for_number(number: str) -> ServiceEntry | None:
    return _SERVICES.get(number_prefix(number))


def find_case(number: str) -> Case | None:
    entry = service_for_number(number)
    if entry is None:
        return None
    return entry.model.objects.select_related("unit").filter(number=number).first()


def history_of(case: Case) -> list[dict]:
    """The status changes of the case, oldest first: [{"status", "at", "reason"}] (changes of deadlines
    or clock stops that keep the status are left out: the portal follows statuses)."""
    rows = TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).order_by(
        "at", "id"
    )
    return [
        {"status": row.to_state, "at": row.at, "reason": row.reason} for row in rows if row.to_state != row.from_state
    ]


def represent(case: Case, request=None) -> dict:
    """The common representation, completed by the service's ``represent``."""
    state_field = getattr(case, "STATE_FIELD", "status")
    data = {
        "number": case.number,
        "kind": case.kind,
        "status": getattr(case, state_field),
        "registered_on": case.registered_on,
        "due": case.due_date,
        "history": history_of(case),
        "result": None,
    }
    entry = service_for_number(case.number)
    if entry is not None and entry.represent is not None:
        data.update(entry.represent(case, request))
    return data
