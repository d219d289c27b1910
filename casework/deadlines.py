"""Step and final deadlines of a case, always from workcalendar, with the clerk-readable explanation.

A case keeps the basis of each deadline (start date, number of days, working or calendar days),
so that a calendar change (a new government decree) recomputes every open case's deadline
from the same basis and records that in the case's history.
"""

from datetime import date

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from workcalendar import services as calendar

from .actors import Actor
from .models import Case

WORKING = "working"
CALENDAR = "calendar"


def compute(start: date, days: int, unit: str, event: str = "") -> calendar.Deadline:
    if unit == WORKING:
        return calendar.deadline_after(start, working_days=days, event=event)
    if unit == CALENDAR:
        return calendar.deadline_from(start, calendar_days=days)
    raise ValueError(f"unknown day unit {unit!r}")


def set_step(case: Case, step: str, start: date, days: int, unit: str = WORKING, event: str = "") -> None:
    """The current step and its deadline: ``days`` working (or calendar) days from ``start``."""
    result = compute(start, days, unit, event)
    case.step_name = step
    case.step_started_on = start
    case.step_term_days = days
    case.step_term_unit = unit
    case.step_deadline = result.due
    case.deadline_explanation = result.explanation


def clear_step(case: Case) -> None:
    case.step_name = ""
    case.step_started_on = None
    case.step_term_days = None
    case.step_term_unit = ""
    case.step_deadline = None
    case.deadline_explanation = ""


def set_due(case: Case, start: date, days: int, unit: str = WORKING) -> None:
    """The final due date of the whole application (the expected result date shown to the applicant)."""
    case.due_started_on = start
    case.due_term_days = days
    case.due_term_unit = unit
    case.due_date = compute(start, days, unit).due


def case_models() -> list[type[Case]]:
    return [m for m in apps.get_models() if issubclass(m, Case)]


def recompute_open_cases(dates: list[date]) -> int:
    """After a calendar change on ``dates``: recompute the deadlines that could depend on them.

    Only cases whose deadline window [start, deadline] touches a changed date (or whose
    deadline now falls after it) are read; each change is written to the case's history.
    """
    from .services import record_history

    if not dates:
        return 0
    first, last = min(dates), max(dates)
    actor = Actor(system="calendar change")
    changed = 0
    for model in case_models():
        open_states = getattr(model, "OPEN_STATES", None)
        if not open_states:
            continue
        field = getattr(model, "STATE_FIELD", "status")
        touched = model.objects.filter(**{f"{field}__in": open_states}).filter(
            Q(step_started_on__lte=last, step_deadline__gte=first) | Q(due_started_on__lte=last, due_date__gte=first)
        )
        for pk in touched.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                case = model.objects.select_for_update().get(pk=pk)
                old_step, old_due = case.step_deadline, case.due_date
                if case.step_started_on and case.step_term_days is not None:
                    set_step(case, case.step_name, case.step_started_on, case.step_term_days, case.step_term_unit)
                if case.due_started_on and case.due_term_days is not None:
                    case.due_date = compute(case.due_started_on, case.due_term_days, case.due_term_unit).due
                if (old_step, old_due) == (case.step_deadline, case.due_date):
                    continue
                case.save(update_fields=["step_deadline", "deadline_explanation", "due_date", "updated_at"])
                state = getattr(case, field)
                record_history(
                    case,
                    transition="calendar_recomputed",
                    from_state=state,
                    to_state=state,
                    actor=actor,
                    reason=case.deadline_explanation,
                    deadline=old_step,
                    details={
                        "step_deadline": [str(old_step), str(case.step_deadline)],
                        "due_date": [str(old_due), str(case.due_date)],
                        "changed_dates": [str(d) for d in sorted(dates)],
                    },
                )
                changed += 1
    return changed
