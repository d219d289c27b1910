import datetime as dt

from casework.deadlines import WORKING, set_due, set_step
from casework.models import TransitionLog
from tests.caseapp.models import DemoCase
from workcalendar.models import CalendarOverride


def test_a_new_decree_day_off_moves_an_open_cases_deadlines_and_is_recorded(
    make_case, django_capture_on_commit_callbacks
):
    case = make_case()
    # Thursday 05.11.2026 + 3 working days = Tuesday 10.11.2026
    set_step(case, "review", dt.date(2026, 11, 5), 3, WORKING)
    set_due(case, dt.date(2026, 11, 5), 5, WORKING)
    case.save()
    assert (case.step_deadline, case.due_date) == (dt.date(2026, 11, 10), dt.date(2026, 11, 12))

    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(
            date=dt.date(2026, 11, 9),
            is_working=False,
            reason_en="Day off moved by decree",
            decree_number="123",
            decree_date=dt.date(2026, 10, 1),
        )

    moved = DemoCase.objects.get(pk=case.pk)
    assert (moved.step_deadline, moved.due_date) == (dt.date(2026, 11, 11), dt.date(2026, 11, 13))
    row = TransitionLog.objects.get(case_number=case.number, transition="calendar_recomputed")
    assert row.details["step_deadline"] == ["2026-11-10", "2026-11-11"]
    assert row.from_state == row.to_state == "received"


def test_a_calendar_change_outside_a_cases_window_leaves_it_alone(make_case, django_capture_on_commit_callbacks):
    case = make_case()
    set_step(case, "review", dt.date(2026, 11, 5), 3, WORKING)
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=dt.date(2026, 12, 1), is_working=False, reason_en="x")
    assert DemoCase.objects.get(pk=case.pk).step_deadline == dt.date(2026, 11, 10)
    assert not TransitionLog.objects.filter(case_number=case.number).exists()


def test_closed_cases_keep_their_deadlines(make_case, django_capture_on_commit_callbacks):
    case = make_case()
    set_step(case, "review", dt.date(2026, 11, 5), 3, WORKING)
    case.save()
    DemoCase.objects.filter(pk=case.pk).update(status="decided")
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=dt.date(2026, 11, 9), is_working=False, reason_en="x")
    assert DemoCase.objects.get(pk=case.pk).step_deadline == dt.date(2026, 11, 10)
