"""The one way a case changes status (STYLE.md "State machines").

``run_transition`` opens a transaction, locks the case row, checks the version the caller saw,
the actor's right to act (territorial unit + the transition's permission: django-fsm does not
check ``permission=`` on call), the transition's conditions (each explains itself), calls the
transition, bumps the version, writes the append-only history row and schedules side effects
after commit, so nothing is sent for a change that rolled back.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from .access import can_access_case
from .actors import Actor
from .exceptions import CaseNotFound, NotAllowedInState, NotPermitted, StaleVersion, TransitionConflict
from .models import Case, TransitionLog
from .outbox import publish_status_changed

C = TypeVar("C", bound=Case)


def condition(message: str) -> Callable:
    """Mark an FSM condition with the sentence shown when it fails: @condition(_("... (003 §7)"))."""

    def decorate(func: Callable) -> Callable:
        func.message = message
        return func

    return decorate


def state_field_name(case: Case) -> str:
    return getattr(case, "STATE_FIELD", "status")


def fsm_meta(case: Case, transition_name: str):
    method = getattr(type(case), transition_name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise NotAllowedInState(_("Unknown action: %(name)s") % {"name": transition_name}, code="unknown_transition")
    return meta


def failed_conditions(case: Case, transition_name: str) -> list[str]:
    """The explanations of the conditions that stop this transition now (empty list: none)."""
    meta = fsm_meta(case, transition_name)
    transition = meta.get_transition(getattr(case, state_field_name(case)))
    if transition is None:
        return []
    return [
        str(getattr(cond, "message", getattr(cond, "__name__", "condition")))
        for cond in transition.conditions
        if not cond(case)
    ]


def actor_may(case: Case, transition_name: str, actor: Actor) -> bool:
    """Whether this actor may attempt the transition on this case (ignores conditions)."""
    if not actor.is_clerk:
        return True  # API clients are authorised by scope at the view; jobs and the applicant by the service.
    user = actor.user
    if not (user.is_active and user.is_staff and can_access_case(user, case)):
        return False
    meta = fsm_meta(case, transition_name)
    return meta.has_transition_perm(case, getattr(case, state_field_name(case)), user)


def available_transitions(case: Case, actor: Actor) -> list[str]:
    """Transitions this actor can take on the case in its current state, conditions met."""
    field_name = state_field_name(case)
    getter = getattr(case, f"get_available_{field_name}_transitions")
    return [t.name for t in getter() if actor_may(case, t.name, actor)]


def run_transition(
    model: type[C],
    pk: Any,
    transition_name: str,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
    expected_state: str | None = None,
    details: dict | None = None,
    after_commit: Iterable[Callable[[C], None]] = (),
    in_transaction: Iterable[Callable[[C], None]] = (),
    **transition_kwargs: Any,
) -> C:
    """Take ``transition_name`` on the case ``pk`` of ``model`` in one transaction with its history row.

    ``in_transaction`` callbacks run inside it after the change (writes that must commit or roll back with the
    step, e.g. casework.pdf.schedule_documents; an exception undoes the step); ``after_commit`` ones once it
    committed (never for a rolled-back change)."""
    field_name = getattr(model, "STATE_FIELD", "status")
    if expected_state is None:
        observed = model.objects.filter(pk=pk).values_list(field_name, flat=True).first()
        if observed is None:
            raise CaseNotFound()
        expected_state = observed

    with transaction.atomic():
        try:
            case = model.objects.select_for_update().select_related("unit").get(pk=pk)
        except model.DoesNotExist:
            raise CaseNotFound() from None
        if expected_version is not None and case.version != expected_version:
            raise StaleVersion()
        current = getattr(case, field_name)
        if current != expected_state:
            raise TransitionConflict(
                _("The case is now '%(now)s' (it was '%(was)s' when you acted).")
                % {"now": current, "was": expected_state}
            )
        if not actor_may(case, transition_name, actor):
            raise NotPermitted()
        meta = fsm_meta(case, transition_name)
        if meta.get_transition(current) is None:
            raise NotAllowedInState(
                _("'%(action)s' is not possible while the case is '%(state)s'.")
                % {"action": transition_name, "state": current}
            )
        reasons = failed_conditions(case, transition_name)
        if reasons:
            raise NotAllowedInState("; ".join(reasons), code="condition_not_met")

        deadline_before = case.step_deadline
        today = timezone.localdate()
        try:
            getattr(case, transition_name)(**transition_kwargs)
        except TransitionNotAllowed as exc:  # a condition changed between the check and the call
            raise NotAllowedInState(str(exc)) from exc
        case.version += 1
        case.save()
        record_history(
            case,
            transition=transition_name,
            from_state=current,
            to_state=getattr(case, field_name),
            actor=actor,
            reason=reason,
            deadline=deadline_before,
            deadline_breached=bool(deadline_before and today > deadline_before),
            details=details,
        )
        publish_status_change(case)
        for callback in in_transaction:
            callback(case)
        for callback in after_commit:
            transaction.on_commit(lambda cb=callback: cb(case))
    return case


def record_history(
    case: Case,
    *,
    transition: str,
    from_state: str,
    to_state: str,
    actor: Actor,
    reason: str = "",
    deadline=None,
    deadline_breached: bool = False,
    details: dict | None = None,
) -> TransitionLog:
    from django.contrib.contenttypes.models import ContentType

    if not from_state:  # the case's first entry: the regulation version it is processed under (issue 10)
        from .regulations import registration_note

        note = registration_note(case)
        if note is not None:
            text, regulation_details = note
            details = {**(details or {}), "regulation": regulation_details}
            if text:
                reason = f"{reason}\n{text}" if reason else text

    return TransitionLog.objects.create(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        case_number=case.number,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor.user,
        actor_label=actor.label[:150],
        reason=reason,
        deadline=deadline,
        deadline_breached=deadline_breached,
        details=details or {},
    )


def publish_status_change(case: Case) -> None:
    """Tell webhook subscribers (the portal) about the new status, through the outbox (same transaction)."""
    publish_status_changed(case.number, getattr(case, state_field_name(case)))
