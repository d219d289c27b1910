"""How a granted complaint reopens (or otherwise corrects) the challenged case of any service.

A service says how its cases are reopened in one of three ways; the first that exists is used:

1. ``register_reopener("certificates.certificateapplication", func)`` (e.g. in its AppConfig.ready());
2. a function ``<service app>.services.reopen_after_complaint(application, complaint, actor)``;
3. an FSM transition named ``reopen`` on the case model (any source it allows, e.g. ``refused``);
   it is run through ``casework.services.run_transition`` with the complaint in the reason.

Whatever the way, the contract is the same: the case is reopened *in place* (same row, same number),
so its whole history stays (``TransitionLog`` is append-only) and the reopening is one more history
row; the service gives the reopened case new deadlines (``casework.deadlines.set_step`` / ``set_due``
counted from the day of reopening) and returns the case. A service with none of these cannot be
reopened automatically: ``reopen_challenged_case`` refuses with ``reopen_not_supported`` and the clerk
records the corrective action in words instead (granting without "reopen").

It runs inside the transaction that grants the complaint: if reopening fails, the grant is undone too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from casework.actors import Actor
from casework.exceptions import RuleViolation
from casework.models import Case
from casework.services import run_transition

Reopener = Callable[[Case, Any, Actor], Case]
_REOPENERS: dict[str, Reopener] = {}


def register_reopener(model_label: str, reopener: Reopener) -> None:
    _REOPENERS[model_label.lower()] = reopener


def _transition_reopener(case: Case, complaint, actor: Actor) -> Case:
    return run_transition(
        type(case),
        case.pk,
        "reopen",
        actor=actor,
        reason=_("Reopened after complaint %(number)s was granted.") % {"number": complaint.number},
        details={"complaint": complaint.number},
    )


def reopener_for(case: Case) -> Reopener | None:
    label = case._meta.label_lower
    if label in _REOPENERS:
        return _REOPENERS[label]
    try:
        services = importlib.import_module(f"{case._meta.app_config.name}.services")
    except ModuleNotFoundError:
        services = None
    func = getattr(services, "reopen_after_complaint", None) if services else None
    if callable(func):
        return func
    if getattr(getattr(type(case), "reopen", None), "_django_fsm", None) is not None:
        return _transition_reopener
    return None


def can_reopen(case: Case) -> bool:
    return reopener_for(case) is not None


def reopen_challenged_case(case: Case, complaint, actor: Actor) -> Case:
    reopener = reopener_for(case)
    if reopener is None:
        raise RuleViolation(
            _("Cases of this service cannot be reopened automatically; record the corrective action in words."),
            code="reopen_not_supported",
        )
    return reopener(case, complaint, actor)
