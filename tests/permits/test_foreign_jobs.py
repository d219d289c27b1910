"""Refusal at each step (000 §3: motivated), the fee lapse job (DOMAIN.md §5 ruling; idempotent), the
employer told, permit expiry and revocation, the deadline watch, the registered jobs and the demo data."""

import datetime as dt

import pytest
from django.apps import apps

from casework.exceptions import NotAllowedInState, RuleViolation
from casework.models import TransitionLog
from casework.schedules import PERIODIC_TASKS
from permits.foreign_labour import services as flp
from permits.foreign_labour.models import (
    AgendaItem,
    CommissionMeeting,
    CommissionMember,
    EmployerNotice,
    FLPermitStatus,
    FLPStatus,
    ForeignLabourPermit,
)
from tests.samples import PDF

from .test_foreign_support import *  # noqa: F403  fixtures: region, members, job
from .test_foreign_support import application_input, at, commission, get_app, issued_permit, pay_fee

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _messages_in_memory(settings):
    from casework.notifications import MemoryBackend

    settings.NOTIFICATION_BACKEND = "casework.notifications.MemoryBackend"
    MemoryBackend.outbox.clear()


def registered(region, job, **kw):
    return flp.submit_foreign_labour_application(application_input(region, received=at(2026, 3, 2), **kw), actor=job)[0]


def letter_sent(region, members, job):
    app = registered(region, job)
    flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
    commission(app, members, when=at(2026, 3, 4, 15))
    return flp.send_letter(app.pk, actor=job, on=D(2026, 4, 1))  # fee due 15.04.2026 (10 WD)


# --- refusal at each step ----------------------------------------------------------------------------------


def test_refusal_at_the_check_is_motivated_and_rendered_000_s3(region, job, django_capture_on_commit_callbacks):
    from casework.models.issued import IssuedDocument

    app = registered(region, job)
    with pytest.raises(RuleViolation) as exc:
        flp.refuse_application(app.pk, reason="  ", actor=job)
    assert exc.value.code == "refusal_reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        app = flp.refuse_application(app.pk, reason="The workers list is not signed.", actor=job, on=D(2026, 3, 3))
    assert (app.status, app.refused_at_step, app.refusal_reason) == (
        FLPStatus.REFUSED,
        "check",
        "The workers list is not signed.",
    )
    assert IssuedDocument.objects.filter(case_number=app.number, kind="refusal").count() == 2  # kk and ru
    assert EmployerNotice.objects.get(application=app).event == "refused"


def test_refusal_by_the_commission_protocol_gives_its_reasons_000_s8(region, members, job):
    app = registered(region, job)
    flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
    meeting = commission(app, members, decision=AgendaItem.Decision.REFUSE, reasons="local specialists available")
    app = get_app(app.pk)
    assert app.status == FLPStatus.REFUSED and app.refused_at_step == "commission"
    assert meeting.number in app.refusal_reason and "local specialists available" in app.refusal_reason
    assert CommissionMeeting.objects.get(pk=meeting.pk).status == CommissionMeeting.Status.HELD


def test_refusal_before_the_letter_while_awaiting_the_fee_and_at_the_signature_000_s3(region, members, job):
    for stop in ("approved", "awaiting_fee", "awaiting_signature"):
        app = registered(region, job)
        flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
        commission(app, members, when=at(2026, 3, 4, 15))
        if stop != "approved":
            flp.send_letter(app.pk, actor=job, on=D(2026, 3, 5))
        if stop == "awaiting_signature":
            pay_fee(get_app(app.pk), at(2026, 3, 6, 10))
        assert get_app(app.pk).status == stop
        app = flp.refuse_application(app.pk, reason=f"refused at {stop}", actor=job)
        assert app.status == FLPStatus.REFUSED and app.refused_at_step


def test_a_signed_permit_is_not_refused_any_more(region, members, job):
    app = registered(region, job, intra=True)
    flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
    commission(app, members, when=at(2026, 3, 4, 15))
    flp.sign_permit(app.pk, actor=job, at=at(2026, 3, 4, 15, 5))
    with pytest.raises(NotAllowedInState):
        flp.refuse_application(app.pk, reason="too late", actor=job)


def test_protocol_needs_every_decision_members_and_reasons_for_a_refusal(region, members, job):
    app = registered(region, job)
    flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
    meeting = flp.schedule_meeting(unit=region, held_on=D(2026, 3, 4), actor=job)
    flp.put_on_agenda(meeting.pk, app.pk, actor=job)
    with pytest.raises(NotAllowedInState) as exc:
        flp.put_on_agenda(meeting.pk, app.pk, actor=job)
    assert exc.value.code == "already_on_agenda"
    cases = [
        ({}, [m.pk for m in members], "decision_missing"),
        ({app.pk: flp.Decision("approve")}, [], "members_required"),
        ({app.pk: flp.Decision("refuse", "")}, [m.pk for m in members], "refusal_reason_required"),
    ]
    for decisions, present, code in cases:
        with pytest.raises(RuleViolation) as exc:
            flp.record_protocol(meeting.pk, decisions=decisions, members_present=present, actor=job)
        assert exc.value.code == code
    assert get_app(app.pk).status == FLPStatus.REFERRED


# --- the fee lapse job --------------------------------------------------------------------------------------


def test_no_fee_copy_within_10_wd_of_the_letter_lapses_once_and_the_employer_is_told(
    region, members, job, django_capture_on_commit_callbacks
):
    from casework.notifications import MemoryBackend

    app = letter_sent(region, members, job)
    assert app.fee_due_on == D(2026, 4, 15)
    assert flp.lapse_unpaid_applications(today=D(2026, 4, 15)) == 0  # the last day is still open
    with django_capture_on_commit_callbacks(execute=True):
        assert flp.lapse_unpaid_applications(today=D(2026, 4, 16)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert flp.lapse_unpaid_applications(today=D(2026, 4, 16)) == 0  # runs twice → one lapse
    app = get_app(app.pk)
    assert (app.status, app.lapsed_on, app.result_permit_id) == (FLPStatus.FEE_LAPSED, D(2026, 4, 16), None)
    assert TransitionLog.objects.filter(case_number=app.number, transition="lapse").count() == 1
    lapsed = [m for m in MemoryBackend.outbox if app.number in m.body and "15.04.2026" in m.body]
    assert len(lapsed) == 1 and lapsed[0].to == "hr@caspian.example"
    assert "утратило силу" in lapsed[0].body and "күшін жойды" in lapsed[0].body  # in Russian and Kazakh
    assert not ForeignLabourPermit.objects.exists()


def test_a_copy_received_in_time_keeps_the_application_even_before_the_clerk_confirms(region, members, job):
    app = letter_sent(region, members, job)
    flp.submit_fee_proof(app.pk, filename="p.pdf", content=PDF, channel="office", actor=job, at=at(2026, 4, 15, 18))
    assert flp.lapse_unpaid_applications(today=D(2026, 4, 20)) == 0
    assert get_app(app.pk).status == FLPStatus.AWAITING_FEE


def test_a_rejected_copy_does_not_count(region, members, job):
    app = letter_sent(region, members, job)
    payment = flp.submit_fee_proof(
        app.pk, filename="p.pdf", content=PDF, channel="office", actor=job, at=at(2026, 4, 2)
    )
    flp.reject_fee(payment.pk, reason="wrong amount", actor=job)
    with pytest.raises(NotAllowedInState):
        flp.confirm_fee(payment.pk, actor=job)
    assert flp.lapse_unpaid_applications(today=D(2026, 4, 16)) == 1


def test_lapse_job_runs_as_a_celery_task_and_is_scheduled():
    from permits import tasks

    assert tasks.lapse_unpaid_foreign_labour_applications.delay().get() == 0
    names = {spec.task for spec in PERIODIC_TASKS}
    assert {"permits.tasks.lapse_unpaid_foreign_labour_applications", "permits.tasks.expire_permits"} <= names


# --- the permit's lifecycle and the deadline watch ------------------------------------------------------------


def test_revoked_permit_ends_and_its_documents_say_so(region, members, job, django_capture_on_commit_callbacks):
    from casework.models.issued import IssuedDocument

    with django_capture_on_commit_callbacks(execute=True):
        permit = issued_permit(region, members, intra=True)
    with django_capture_on_commit_callbacks(execute=True):
        flp.revoke_permit(permit.pk, reason="false data in the application", actor=job)
    assert ForeignLabourPermit.objects.get(pk=permit.pk).status == FLPermitStatus.REVOKED
    assert set(IssuedDocument.objects.filter(case_number=permit.number).values_list("status", flat=True)) == {"revoked"}
    with pytest.raises(NotAllowedInState):
        flp.revoke_permit(permit.pk, reason="again", actor=job)


def test_deadline_watch_flags_an_overdue_check_once_000_s5(region, job):
    from permits import services

    app = registered(region, job)
    assert app.step_deadline == D(2026, 3, 5)
    assert services.watch_deadlines(today=D(2026, 3, 6)) == 1
    assert services.watch_deadlines(today=D(2026, 3, 6)) == 0
    assert get_app(app.pk).deadline_missed_on == D(2026, 3, 6)


def test_demo_data_adds_the_commission_idempotently():
    from casework.management.commands.setup_office import load_units

    load_units()
    config = apps.get_app_config("permits")
    config.load_demo_data()
    config.load_demo_data()
    assert CommissionMember.objects.filter(unit__code="470000000").count() == 3
    assert CommissionMeeting.objects.filter(status=CommissionMeeting.Status.PLANNED).count() == 1
