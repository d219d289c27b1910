"""Stop-the-clock for every service: suspend a case's deadlines while the office waits for the applicant.

Usage (any service, any concrete ``Case``)::

    from casework.suspension import suspend, resume

    case = suspend(case, _("The diploma translation is not notarised"), actor,
                   requested_information=_("A notarised translation of the diploma"))
    ...
    case = resume(case, actor)          # deadlines move by the working days suspended

Counting (the project's counting ruling, DOMAIN.md §2): the clock stops at the end of the day it is
stopped and restarts at the end of the day it is resumed, as a registration day is "day 0". The
working days suspended are those in (stopped on, resumed on] — ``workcalendar.working_days_between``
— so stopping on Fri 20.03.2026 and resuming on Fri 27.03.2026 suspends 2 working days (26 and 27
March), not 5: 21–25 March are Nauryz days off. Stopping and resuming the same day suspends nothing.

On resume the step deadline and the final due date move by that number of working days, through the
deadline basis kept on the case (``casework.deadlines``), so a later calendar change recomputes them
with the suspension still counted. Never ``timedelta``.

Both services lock the case row, bump its ``version`` (the API's ETag), keep one ``Suspension`` row per
period and write a history row ("clock_stopped" / "clock_resumed") with the deadlines before and after.
A clerk needs the ``casework.stop_clock`` permission (the officer role has it) and access to the
case's territorial unit; API clients and scheduled jobs are authorised where they call this.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workcalendar import services as calendar

from . import deadlines
from .access import can_access_case
from .actors import Actor
from .exceptions import NotAllowedInState, NotPermitted, RuleViolation, StaleVersion
from .models import Case, Suspension
from .roles import OFFICER, grant
from .services import record_history, state_field_name

C = TypeVar("C", bound=Case)

PERMISSION = "casework.stop_clock"
CLOCK_STOPPED = "clock_stopped"
CLOCK_RESUMED = "clock_resumed"

grant(OFFICER, PERMISSION, "casework.view_suspension")


class ClockAlreadyStopped(NotAllowedInState):  # noqa: N818 - named for what happened, like casework.exceptions
    code = "clock_already_stopped"


class ClockNotStopped(NotAllowedInState):  # noqa: N818
    code = "clock_not_stopped"


class CaseNotRunning(NotAllowedInState):  # noqa: N818
    code = "case_not_open"


def _may_stop_clock(case: Case, actor: Actor) -> bool:
    if not actor.is_clerk:
        return True
    user = actor.user
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION) and can_access_case(user, case))


def _lock(case: C) -> C:
    return type(case).objects.select_for_update().select_related("unit").get(pk=case.pk)


def _open_suspension(case: Case) -> Suspension | None:
    return (
        Suspension.objects.select_for_update()
        .filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk, resumed_at__isnull=True)
        .first()
    )


def working_days_suspended(since: date, until: date) -> int:
    """The working days in (since, until]: the days the clock did not run (module docstring)."""
    return max(0, calendar.working_days_between(since, until))


def suspended_days_so_far(case: Case, today: date | None = None) -> int:
    """Total working days suspended, counting the still-open period up to ``today``."""
    total = case.suspended_working_days
    if case.suspended_since:
        total += working_days_suspended(case.suspended_since, today or timezone.localdate())
    return total


def _fmt(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "—"


def suspend(
    case: C,
    reason: str,
    actor: Actor,
    *,
    requested_information: str = "",
    expected_version: int | None = None,
    on: date | None = None,
) -> C:
    """Stop the case's clock (waiting for the applicant). Returns the case as saved."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            _("Say why the clock is stopped."),
            code="reason_required",
            invalid_params=[{"name": "reason", "code": "reason_required", "reason": _("A reason is required.")}],
        )
    with transaction.atomic():
        case = _lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleVersion()
        if not _may_stop_clock(case, actor):
            raise NotPermitted()
        state = getattr(case, state_field_name(case))
        open_states = getattr(case, "OPEN_STATES", ())
        if open_states and state not in open_states:
            raise CaseNotRunning(_("The clock runs only while the case is open; it is '%(state)s'.") % {"state": state})
        if case.suspended_since is not None or _open_suspension(case) is not None:
            raise ClockAlreadyStopped(
                _("The clock of this case is already stopped since %(day)s.") % {"day": _fmt(case.suspended_since)}
            )
        now = timezone.now()
        today = on or timezone.localdate(now)
        try:
            with transaction.atomic():
                suspension = Suspension.objects.create(
                    case_type=ContentType.objects.get_for_model(case),
                    case_id=case.pk,
                    case_number=case.number,
                    suspended_on=today,
                    suspended_at=now,
                    reason=reason,
                    requested_information=(requested_information or "").strip(),
                    suspended_by=actor.user,
                    suspended_by_label=actor.label[:150],
                    step_deadline_before=case.step_deadline,
                    due_date_before=case.due_date,
                )
        except IntegrityError:  # another request stopped it between our check and the insert
            raise ClockAlreadyStopped(_("The clock of this case is already stopped.")) from None
        case.suspended_since = today
        case.version += 1
        case.save(update_fields=["suspended_since", "version", "updated_at"])
        record_history(
            case,
            transition=CLOCK_STOPPED,
            from_state=state,
            to_state=state,
            actor=actor,
            reason=reason,
            deadline=case.step_deadline,
            details={
                "suspension": suspension.pk,
                "suspended_on": today.isoformat(),
                "requested_information": suspension.requested_information,
            },
        )
    return case


def _shift(case: Case, which: str, days: int) -> None:
    """Move the step (``which="step"``) or final (``"due"``) deadline ``days`` working days later,
    through its basis so that ``casework.deadlines.recompute_open_cases`` keeps the shift."""
    started = getattr(case, f"{which}_started_on")
    term = getattr(case, f"{which}_term_days")
    unit = getattr(case, f"{which}_term_unit")
    current = case.step_deadline if which == "step" else case.due_date
    if current is None or days <= 0:
        return
    if started is not None and term is not None and unit == deadlines.WORKING:
        # N working days from start, then ``days`` more: the same as N + days from start.
        setattr(case, f"{which}_term_days", term + days)
        new = deadlines.compute(started, term + days, unit).due
    else:
        # A calendar-day term (or a deadline set without a basis): rebase onto the old deadline.
        setattr(case, f"{which}_started_on", current)
        setattr(case, f"{which}_term_days", days)
        setattr(case, f"{which}_term_unit", deadlines.WORKING)
        new = deadlines.compute(current, days, deadlines.WORKING).due
    if which == "step":
        case.step_deadline = new
    else:
        case.due_date = new


def resume(
    case: C,
    actor: Actor,
    *,
    note: str = "",
    expected_version: int | None = None,
    on: date | None = None,
) -> C:
    """Restart the clock; the step deadline and the due date move by the working days suspended."""
    with transaction.atomic():
        case = _lock(case)
        if expected_version is not None and case.version != expected_version:
            raise StaleVersion()
        if not _may_stop_clock(case, actor):
            raise NotPermitted()
        suspension = _open_suspension(case)
        if case.suspended_since is None or suspension is None:
            raise ClockNotStopped(_("The clock of this case is running; there is nothing to resume."))
        now = timezone.now()
        today = on or timezone.localdate(now)
        if today < case.suspended_since:
            raise RuleViolation(_("The clock cannot restart before the day it stopped."), code="resume_before_stop")
        days = working_days_suspended(case.suspended_since, today)
        state = getattr(case, state_field_name(case))
        old_step, old_due = case.step_deadline, case.due_date
        _shift(case, "step", days)
        _shift(case, "due", days)
        if days and old_step:
            case.deadline_explanation = "; ".join(
                part
                for part in (
                    case.deadline_explanation,
                    _("+%(days)d working days while the clock was stopped (%(start)s–%(end)s)")
                    % {"days": days, "start": _fmt(case.suspended_since), "end": _fmt(today)},
                )
                if part
            )
        case.suspended_working_days += days
        case.suspended_since = None
        case.version += 1
        case.save()

        suspension.resumed_on = today
        suspension.resumed_at = now
        suspension.resumed_by = actor.user
        suspension.resumed_by_label = actor.label[:150]
        suspension.resume_note = (note or "").strip()
        suspension.working_days = days
        suspension.step_deadline_after = case.step_deadline
        suspension.due_date_after = case.due_date
        suspension.save()

        record_history(
            case,
            transition=CLOCK_RESUMED,
            from_state=state,
            to_state=state,
            actor=actor,
            reason=suspension.resume_note or _("The clock restarted after %(days)d working days.") % {"days": days},
            deadline=old_step,
            details={
                "suspension": suspension.pk,
                "working_days": days,
                "suspended_on": suspension.suspended_on.isoformat(),
                "resumed_on": today.isoformat(),
                "step_deadline": [str(old_step), str(case.step_deadline)],
                "due_date": [str(old_due), str(case.due_date)],
            },
        )
    return case
