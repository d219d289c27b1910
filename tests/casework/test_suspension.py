"""Stop-the-clock (casework.suspension) on the minimal DemoCase: terms, holidays, history, permissions."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from casework import deadlines
from casework.actors import Actor
from casework.exceptions import NotPermitted, RuleViolation, ServiceError, StaleVersion
from casework.models import Suspension, TransitionLog
from casework.roles import OFFICER, REGISTRAR
from casework.services import run_transition
from casework.suspension import (
    ClockAlreadyStopped,
    ClockNotStopped,
    resume,
    suspend,
    suspended_days_so_far,
)
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, DistrictFactory

JOB = Actor.job("test")


def fresh(case) -> DemoCase:
    return DemoCase.objects.get(pk=case.pk)  # refresh_from_db() fails on protected FSM fields


@pytest.fixture
def running_case(make_case):
    """Registered 16.03.2026; step: 5 WD (→ Thu 26.03, Nauryz 21–25.03 skipped); due: 10 WD."""
    case = make_case(registered_on=dt.date(2026, 3, 16))
    deadlines.set_step(case, "review", dt.date(2026, 3, 16), 5)
    deadlines.set_due(case, dt.date(2026, 3, 16), 10)
    case.save()
    assert case.step_deadline == dt.date(2026, 3, 26)
    assert case.due_date == dt.date(2026, 4, 2)
    return fresh(case)


def test_clock_stopped_20_03_resumed_27_03_2026_moves_deadlines_by_2_working_days_nauryz_skipped(running_case):
    stopped = suspend(
        running_case,
        "Diploma translation not notarised",
        JOB,
        requested_information="A notarised translation",
        on=dt.date(2026, 3, 20),
    )
    assert stopped.suspended_since == dt.date(2026, 3, 20)
    assert stopped.step_deadline == dt.date(2026, 3, 26)  # unchanged while stopped

    case = resume(stopped, JOB, note="Translation received", on=dt.date(2026, 3, 27))
    # (20.03, 27.03]: 21–25.03 are Nauryz days off / weekend; only 26 and 27 March are working days.
    assert case.suspended_working_days == 2
    assert case.suspended_since is None
    assert case.step_deadline == dt.date(2026, 3, 30)  # Thu 26.03 + 2 WD (Fri 27, Mon 30)
    assert case.due_date == dt.date(2026, 4, 6)  # Thu 02.04 + 2 WD (Fri 03, Mon 06)
    assert "+2" in case.deadline_explanation and "20.03.2026" in case.deadline_explanation

    period = Suspension.objects.get(case_number=case.number)
    assert (period.suspended_on, period.resumed_on, period.working_days) == (
        dt.date(2026, 3, 20),
        dt.date(2026, 3, 27),
        2,
    )
    assert (period.step_deadline_before, period.step_deadline_after) == (dt.date(2026, 3, 26), dt.date(2026, 3, 30))
    assert period.requested_information == "A notarised translation"

    rows = list(TransitionLog.objects.filter(case_number=case.number).order_by("at", "id"))
    assert [r.transition for r in rows] == ["clock_stopped", "clock_resumed"]
    assert all(r.from_state == r.to_state == "received" for r in rows)
    assert rows[1].details["working_days"] == 2
    assert rows[1].details["step_deadline"] == ["2026-03-26", "2026-03-30"]
    assert case.version == running_case.version + 2


def test_the_shift_survives_a_calendar_recomputation(running_case, monkeypatch):
    monkeypatch.setattr(deadlines, "case_models", lambda: [DemoCase])  # only this test's model
    suspend(running_case, "waiting", JOB, on=dt.date(2026, 3, 20))
    case = resume(fresh(running_case), JOB, on=dt.date(2026, 3, 27))
    deadlines.recompute_open_cases([dt.date(2026, 3, 24)])
    again = fresh(case)
    assert (again.step_deadline, again.due_date) == (dt.date(2026, 3, 30), dt.date(2026, 4, 6))


def test_a_calendar_day_term_moves_by_the_working_days_suspended(make_case):
    case = make_case()
    deadlines.set_step(case, "wait", dt.date(2026, 3, 2), 10, unit=deadlines.CALENDAR)  # → 12.03.2026
    case.save()
    suspend(case, "waiting", JOB, on=dt.date(2026, 3, 5))
    case = resume(fresh(case), JOB, on=dt.date(2026, 3, 11))  # (05.03, 11.03]: 6, 10, 11 (8–9 March off)
    assert case.suspended_working_days == 3
    assert case.step_deadline == dt.date(2026, 3, 17)  # 12.03 + 3 WD: 13, 16, 17


def test_stopped_and_resumed_the_same_day_suspends_nothing(running_case):
    suspend(running_case, "waiting", JOB, on=dt.date(2026, 3, 18))
    case = resume(fresh(running_case), JOB, on=dt.date(2026, 3, 18))
    assert case.suspended_working_days == 0 and case.step_deadline == dt.date(2026, 3, 26)


def test_suspended_time_adds_up_over_several_periods_and_counts_the_open_one(running_case):
    suspend(running_case, "first", JOB, on=dt.date(2026, 3, 16))
    resume(fresh(running_case), JOB, on=dt.date(2026, 3, 18))  # 17, 18
    suspend(fresh(running_case), "second", JOB, on=dt.date(2026, 3, 19))
    case = fresh(running_case)
    assert case.suspended_working_days == 2
    assert suspended_days_so_far(case, today=dt.date(2026, 3, 26)) == 2 + 2  # 20, 26
    assert Suspension.objects.filter(case_number=case.number).count() == 2


def test_stopping_a_stopped_clock_is_refused_and_creates_nothing(running_case):
    suspend(running_case, "waiting", JOB, on=dt.date(2026, 3, 18))
    with pytest.raises(ClockAlreadyStopped) as err:
        suspend(fresh(running_case), "again", JOB)
    assert err.value.code == "clock_already_stopped" and err.value.status_code == 409
    assert Suspension.objects.count() == 1
    assert TransitionLog.objects.filter(transition="clock_stopped").count() == 1


def test_resuming_a_running_clock_is_refused(running_case):
    with pytest.raises(ClockNotStopped) as err:
        resume(running_case, JOB)
    assert err.value.code == "clock_not_stopped"
    assert not TransitionLog.objects.exists()


def test_stopping_without_a_reason_is_refused_and_creates_nothing(running_case):
    with pytest.raises(RuleViolation) as err:
        suspend(running_case, "   ", JOB)
    assert err.value.code == "reason_required"
    assert not Suspension.objects.exists() and fresh(running_case).suspended_since is None


def test_resuming_before_the_day_the_clock_stopped_is_refused(running_case):
    suspend(running_case, "waiting", JOB, on=dt.date(2026, 3, 20))
    with pytest.raises(RuleViolation) as err:
        resume(fresh(running_case), JOB, on=dt.date(2026, 3, 19))
    assert err.value.code == "resume_before_stop"
    assert fresh(running_case).suspended_since == dt.date(2026, 3, 20)


def test_the_clock_of_a_decided_case_cannot_be_stopped(make_case):
    case = make_case()
    run_transition(DemoCase, case.pk, "register", actor=JOB)
    run_transition(DemoCase, case.pk, "decide", actor=JOB)
    with pytest.raises(ServiceError) as err:
        suspend(fresh(case), "waiting", JOB)
    assert err.value.code == "case_not_open"


def test_a_stale_version_is_refused(running_case):
    with pytest.raises(StaleVersion):
        suspend(running_case, "waiting", JOB, expected_version=running_case.version - 1)
    assert not Suspension.objects.exists()


def test_only_an_officer_of_the_cases_unit_may_stop_the_clock(make_case):
    unit = DistrictFactory()
    case = make_case(unit=unit)
    with pytest.raises(NotPermitted):
        suspend(case, "waiting", Actor.clerk(ClerkFactory(unit=unit, roles=[REGISTRAR])))
    with pytest.raises(NotPermitted):
        suspend(case, "waiting", Actor.clerk(ClerkFactory(unit=DistrictFactory(), roles=[OFFICER])))
    officer = ClerkFactory(unit=unit, roles=[OFFICER])
    stopped = suspend(case, "waiting", Actor.clerk(officer))
    assert stopped.clock_stopped
    row = TransitionLog.objects.get(transition="clock_stopped")
    assert row.actor == officer and row.actor_label == officer.username


@pytest.fixture
def officer(db):
    Group.objects.get(name=OFFICER).permissions.add(
        *Permission.objects.filter(codename__in=["view_democase", "change_democase"])
    )
    return ClerkFactory(roles=[OFFICER])


def test_officer_stops_and_resumes_the_clock_from_the_case_page(client, make_case, officer):
    case = make_case(unit=officer.clerk_profile.unit)
    client.force_login(officer)
    page = client.get(f"/admin/caseapp/democase/{case.pk}/change/")
    clock_url = f"/admin/caseapp/democase/{case.pk}/clock/"
    assert clock_url in page.text and 'data-transition="stop_clock"' in page.text

    assert client.post(clock_url, {"reason": "", "version": case.version}).status_code == 200  # reason required
    assert not Suspension.objects.exists()
    response = client.post(
        clock_url, {"reason": "Missing diploma", "requested_information": "Diploma", "version": case.version}
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.clock_stopped

    page = client.get(f"/admin/caseapp/democase/{case.pk}/change/")
    assert 'data-transition="resume_clock"' in page.text and "Missing diploma" in page.text
    listing = client.get("/admin/caseapp/democase/")
    assert case.suspended_since.strftime("%d.%m.%Y") in listing.text

    assert client.post(clock_url, {"note": "Diploma received", "version": case.version}).status_code == 302
    assert not fresh(case).clock_stopped
    assert Suspension.objects.get().resume_note == "Diploma received"


def test_a_registrar_gets_no_clock_button(client, make_case, db):
    Group.objects.get(name=REGISTRAR).permissions.add(
        *Permission.objects.filter(codename__in=["view_democase", "change_democase"])
    )
    registrar = ClerkFactory(roles=[REGISTRAR])
    case = make_case(unit=registrar.clerk_profile.unit)
    client.force_login(registrar)
    assert "/clock/" not in client.get(f"/admin/caseapp/democase/{case.pk}/change/").text
    assert client.post(f"/admin/caseapp/democase/{case.pk}/clock/", {"reason": "x", "version": 1}).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_stopping_the_clock_at_once_one_wins(make_case):
    case = make_case()
    barrier = threading.Barrier(2)

    def attempt(label):
        try:
            barrier.wait()
            suspend(DemoCase.objects.get(pk=case.pk), label, Actor.job(label))
            return "won"
        except ServiceError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, ["a", "b"]))
    assert results == ["clock_already_stopped", "won"]
    assert Suspension.objects.filter(case_number=case.number).count() == 1
