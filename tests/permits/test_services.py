"""Services of labour-immigrant permits: quota, extensions, duplicates, notices, revocations, jobs."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.exceptions import NotAllowedInState, RuleViolation
from casework.models import ApiClient, Channel, OutboxMessage, TransitionLog, WebhookSubscription
from permits import quota as quotas
from permits import rules, services
from permits.models import (
    ApplicationStatus,
    IntentionAgreement,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    PermitReminder,
    PermitStatus,
    Quota,
    Revocation,
    RevocationStatus,
    TerminationNotice,
)
from tests.factories import DistrictFactory, aware

from .conftest import EMPLOYER_IIN, application_input, employer, get_app, immigrant, issue_through, move_validity

pytestmark = pytest.mark.django_db

Permit = LabourImmigrantPermit


def counts(quota):
    q = Quota.objects.get(pk=quota.pk)
    return q.reserved, q.issued


def days_from(today, n):
    return dt.date.fromordinal(today.toordinal() + n)


def extend(permit, job, months=3, received_at=None, **kw):
    app, _code = services.register_application(
        application_input(
            permit.unit,
            kind=rules.EXTEND,
            permit_number=permit.number,
            term_months=months,
            received_at=received_at,
            **kw,
        ),
        actor=job,
    )
    return issue_through(app, job)


# --- quota (004 §20–21) -------------------------------------------------------------------------------


def test_issue_takes_a_free_unit_and_refuses_when_none_is_left_004_s20(unit, make_quota, job):
    quota = make_quota(unit, total=1)
    first, _code = services.register_application(application_input(unit), actor=job)
    second, _code = services.register_application(application_input(unit), actor=job)
    issue_through(first, job)
    assert counts(quota) == (0, 1)
    with pytest.raises(RuleViolation) as exc:
        issue_through(second, job)
    assert exc.value.code == rules.QUOTA_EXHAUSTED
    assert get_app(second.pk).status == ApplicationStatus.UNDER_REVIEW  # the police result stays; nothing else
    assert counts(quota) == (0, 1)


def test_application_is_refused_at_filing_when_the_unit_has_no_quota_004_s20(unit, job):
    with pytest.raises(RuleViolation) as exc:
        services.register_application(application_input(unit), actor=job)
    assert exc.value.code == rules.QUOTA_EXHAUSTED
    assert not LabourImmigrantPermitApplication.objects.exists()


def test_extension_takes_no_new_quota_unit_004_s21(unit, make_quota, job, issued_permit, today):
    quota = make_quota(unit, total=1)
    permit = move_validity(issued_permit(6), days_from(today, 10))
    app = extend(permit, job, months=3)
    assert app.status == ApplicationStatus.ISSUED
    assert counts(quota) == (0, 1)
    new = Permit.objects.get(pk=app.result_permit_id)
    assert (new.extends_id, new.chain_months, new.holds_quota_unit) == (permit.pk, 9, True)
    assert new.valid_from == days_from(today, 11)
    assert not Permit.objects.get(pk=permit.pk).holds_quota_unit


@pytest.mark.parametrize("end", ["expire", "terminate", "revoke"])
def test_ending_a_permit_releases_its_quota_unit_004_s20(end, unit, quota, job, issued_permit, today):
    permit = issued_permit(6)
    assert counts(quota) == (0, 1)
    if end == "expire":
        move_validity(permit, days_from(today, -1))
        assert services.expire_permits(today) == 1
        assert services.expire_permits(today) == 0  # idempotent
    elif end == "terminate":
        services.submit_termination_notice(
            permit_number=permit.number,
            employer_iin=EMPLOYER_IIN,
            contract_ended_on=today,
            channel=Channel.PORTAL,
            actor=job,
        )
    else:
        services.revoke_permit(
            permit_id=permit.pk, act_number="17", act_date=today, act_body="Labour inspection", actor=job
        )
    assert (
        Permit.objects.get(pk=permit.pk).status
        == {"expire": "expired", "terminate": "terminated", "revoke": "revoked"}[end]
    )
    assert counts(quota) == (0, 0)


def test_expiry_of_an_extended_permit_keeps_the_unit_with_its_extension_004_s21(unit, quota, job, issued_permit, today):
    permit = move_validity(issued_permit(6), days_from(today, 10))
    extend(permit, job)
    move_validity(permit, days_from(today, -1))
    services.expire_permits(today)
    assert counts(quota) == (0, 1)


# --- agreements of intent (004 §10–12) ----------------------------------------------------------------------


def sign(unit, today, signed_on=None, published=None):
    signed_on = signed_on or today
    return services.sign_intention_agreement(
        unit=unit,
        employer=employer(),
        immigrant=immigrant(),
        signed_on=signed_on,
        vacancy_published_on=published or days_from(signed_on, -20),
        occupation="nanny",
        actor=services.Actor.job("t"),
    )


def test_agreement_reserves_a_unit_for_10_calendar_days_004_s12(unit, quota, today):
    agreement = sign(unit, today)
    assert counts(quota) == (1, 0)
    assert agreement.reserved_until == rules.reservation_ends_on(today).due


def test_agreement_before_15_days_after_the_vacancy_is_refused_004_s10(unit, quota, today):
    with pytest.raises(RuleViolation) as exc:
        sign(unit, today, published=days_from(today, -3))
    assert exc.value.code == rules.VACANCY_SEARCH_TOO_EARLY
    assert counts(quota) == (0, 0)


def test_agreement_is_refused_when_the_quota_is_used_up_004_s20(unit, make_quota, today):
    make_quota(unit, total=1)
    sign(unit, today)
    with pytest.raises(RuleViolation) as exc:
        sign(unit, today)
    assert exc.value.code == rules.QUOTA_EXHAUSTED


def test_permit_on_an_agreement_uses_its_reserved_unit_004_s12(unit, make_quota, job, today):
    quota = make_quota(unit, total=1)
    agreement = sign(unit, today)
    app, _code = services.register_application(
        application_input(unit, intention_agreement_number=agreement.number), actor=job
    )
    issue_through(app, job)
    assert counts(quota) == (0, 1)
    assert IntentionAgreement.objects.get(pk=agreement.pk).status == IntentionAgreement.Status.USED


def test_lapsed_reservation_is_released_by_the_job_004_s12(unit, quota, today):
    agreement = sign(unit, days_from(today, -30))
    assert counts(quota) == (1, 0)
    assert services.release_lapsed_reservations(today) == 1
    assert services.release_lapsed_reservations(today) == 0
    assert counts(quota) == (0, 0)
    assert IntentionAgreement.objects.get(pk=agreement.pk).status == IntentionAgreement.Status.LAPSED


def test_reservation_with_an_open_application_is_kept_past_10_days_004_s12(unit, quota, job, today):
    agreement = sign(unit, days_from(today, -12))
    IntentionAgreement.objects.filter(pk=agreement.pk).update(reserved_until=today)  # filed on the last day
    services.register_application(application_input(unit, intention_agreement_number=agreement.number), actor=job)
    assert services.release_lapsed_reservations(days_from(today, 1)) == 0
    assert counts(quota) == (1, 0)


# --- 004 §19: the 12-month cap across several extensions ------------------------------------------------


def test_12_month_cap_holds_across_several_extensions_004_s19(unit, quota, job, issued_permit, today):
    p1 = move_validity(issued_permit(6), days_from(today, 10))
    p2 = move_validity(Permit.objects.get(pk=extend(p1, job, months=3).result_permit_id), days_from(today, 10))
    p3 = move_validity(Permit.objects.get(pk=extend(p2, job, months=3).result_permit_id), days_from(today, 10))
    assert p3.chain_months == 12 and p3.chain_root_id == p1.pk
    with pytest.raises(RuleViolation) as exc:
        services.register_application(
            application_input(unit, kind=rules.EXTEND, permit_number=p3.number, term_months=1), actor=job
        )
    assert exc.value.code == rules.TERM_EXCEEDS_12_MONTHS
    assert counts(quota) == (0, 1)


def test_extension_that_would_pass_12_months_is_refused_004_s19(unit, quota, job, issued_permit, today):
    permit = move_validity(issued_permit(10), days_from(today, 10))
    with pytest.raises(RuleViolation) as exc:
        services.register_application(
            application_input(unit, kind=rules.EXTEND, permit_number=permit.number, term_months=3), actor=job
        )
    assert exc.value.code == rules.TERM_EXCEEDS_12_MONTHS


# --- 004 §24–25 through the service: the window around expiry -------------------------------------------


@pytest.mark.parametrize("days_before,allowed", [(31, False), (30, True), (5, True), (4, False)])
def test_extension_window_boundaries_30_31_and_5_4_days_before_expiry_004_s24_s25(
    days_before, allowed, unit, quota, job, issued_permit, today
):
    permit = move_validity(issued_permit(3), days_from(today, days_before))
    data = application_input(unit, kind=rules.EXTEND, permit_number=permit.number, term_months=3)
    if allowed:
        assert services.register_application(data, actor=job)[0].status == ApplicationStatus.UNDER_POLICE_CHECK
    else:
        with pytest.raises(RuleViolation) as exc:
            services.register_application(data, actor=job)
        assert exc.value.code == rules.EXTENSION_WINDOW_CLOSED
        assert LabourImmigrantPermitApplication.objects.filter(kind=rules.EXTEND).count() == 0


def test_new_permit_after_12_months_needs_4_days_before_expiry_004_s26(unit, quota, job, issued_permit, today):
    permit = issued_permit(12)
    late = move_validity(permit, days_from(today, 3))
    with pytest.raises(RuleViolation) as exc:
        services.register_application(application_input(unit, previous_permit_number=late.number), actor=job)
    assert exc.value.code == rules.NEW_PERMIT_WINDOW_CLOSED
    move_validity(permit, days_from(today, 4))
    app, _code = services.register_application(application_input(unit, previous_permit_number=permit.number), actor=job)
    assert app.current_permit_id == permit.pk


# --- 004 §22: valid only in the issuing unit, not transferable -------------------------------------------


def test_extension_in_another_unit_is_refused_004_s22(unit, quota, job, issued_permit, today, make_quota):
    permit = move_validity(issued_permit(3), days_from(today, 10))
    other = DistrictFactory()
    make_quota(other)
    data = application_input(other, kind=rules.EXTEND, permit_number=permit.number, term_months=3)
    with pytest.raises(RuleViolation) as exc:
        services.register_application(data, actor=job)
    assert exc.value.code == rules.PERMIT_NOT_VALID_IN_UNIT


def test_permit_is_not_transferable_to_another_person_or_employer_004_s22(unit, quota, job, issued_permit, today):
    from .conftest import OTHER_IIN

    permit = move_validity(issued_permit(3), days_from(today, 10))
    for override in ({"applicant": immigrant(passport="ZZ9999999")}, {"employer": employer(OTHER_IIN, unit)}):
        data = application_input(unit, kind=rules.EXTEND, permit_number=permit.number, term_months=3, **override)
        with pytest.raises(RuleViolation) as exc:
            services.register_application(data, actor=job)
        assert exc.value.code == rules.PERMIT_NOT_TRANSFERABLE


# --- acceptance (004 §17) and the decision (004 §7) ----------------------------------------------------------


def test_incomplete_package_at_the_state_corporation_is_refused_to_accept_with_annex_4_004_s17(unit, quota, job):
    data = application_input(unit, documents=[])
    app, _code = services.register_application(data, actor=job)
    assert app.status == ApplicationStatus.REFUSED_TO_ACCEPT
    assert len(app.not_accepted_reasons) == 1 and "17" in app.not_accepted_reasons[0]


def test_expired_medical_certificate_at_the_state_corporation_is_refused_to_accept_004_s17(unit, quota, job, today):
    data = application_input(unit, medical_certificate_issued_on=rules.add_months(today, -13))
    app, _code = services.register_application(data, actor=job)
    assert app.status == ApplicationStatus.REFUSED_TO_ACCEPT


def test_incomplete_package_on_the_portal_is_refused_and_nothing_is_created_004_s17(unit, quota, job):
    data = application_input(unit, channel=Channel.WEB_FORM, documents=[])
    with pytest.raises(RuleViolation) as exc:
        services.register_application(data, actor=job)
    assert exc.value.code == rules.DOCUMENTS_INCOMPLETE
    assert not LabourImmigrantPermitApplication.objects.exists()


def test_decision_due_2_working_days_not_counting_the_day_of_application_004_s7(unit, quota, job):
    # received Thu 19.03.2026 11:00 → registered the same day → Fri 20.03, Nauryz 21–25.03 → due Thu 26.03.
    app, _code = services.register_application(application_input(unit, received_at=aware(2026, 3, 19, 11)), actor=job)
    assert (app.registered_on, app.due_date) == (dt.date(2026, 3, 19), dt.date(2026, 3, 26))
    assert app.step_name == "police_check" and app.step_deadline == dt.date(2026, 3, 20)  # 1 WD (004 §16)


def test_application_after_hours_is_registered_on_the_next_working_day_004_s14(unit, quota, job):
    app, _code = services.register_application(application_input(unit, received_at=aware(2026, 3, 13, 19)), actor=job)
    assert app.registered_on == dt.date(2026, 3, 16)


def test_negative_police_check_blocks_the_issue_and_leads_to_refusal_g3_004_s6(unit, quota, job):
    app, _code = services.register_application(application_input(unit), actor=job)
    app = services.record_police_check(app.pk, result="negative", actor=job)
    with pytest.raises(NotAllowedInState):
        services.issue_permit(app.pk, actor=job)
    assert counts(quota) == (0, 0)
    app = services.refuse_application(app.pk, ground="G3", details="MP IS: entry ban", actor=job)
    assert (app.status, app.refusal_ground) == (ApplicationStatus.REFUSED, "G3")


def test_refusal_needs_a_ground_of_annex_2_row_9(unit, quota, job):
    app, _code = services.register_application(application_input(unit), actor=job)
    with pytest.raises(RuleViolation) as exc:
        services.refuse_application(app.pk, ground="G10", actor=job)
    assert exc.value.code == rules.REFUSAL_GROUND_UNKNOWN


def test_duplicate_is_issued_on_the_day_of_the_request_004_s27(unit, quota, job, issued_permit):
    permit = issued_permit(6)
    app, _code = services.register_application(
        application_input(unit, kind=rules.DUPLICATE, permit_number=permit.number), actor=job
    )
    assert app.status == ApplicationStatus.ISSUED
    assert app.due_date == app.registered_on == app.decided_on
    assert Permit.objects.get(pk=permit.pk).duplicates_issued == 1
    assert counts(quota) == (0, 1)


@pytest.mark.parametrize(
    ("local_time", "registered"),
    [
        ((2026, 11, 20, 10, 0), dt.date(2026, 11, 20)),  # Friday in office hours: that day
        ((2026, 11, 20, 19, 0), dt.date(2026, 11, 23)),  # Friday after 18:30: Monday (004 §14)
        ((2026, 11, 21, 12, 0), dt.date(2026, 11, 23)),  # Saturday: Monday
    ],
)
def test_a_duplicate_is_decided_on_its_registration_day_never_before_it_004_s27_s14(
    unit, quota, job, issued_permit, local_time, registered
):
    permit = issued_permit(6)
    received_at = timezone.make_aware(dt.datetime(*local_time))
    app, _code = services.register_application(
        application_input(unit, kind=rules.DUPLICATE, permit_number=permit.number, received_at=received_at),
        actor=job,
    )
    assert app.status == ApplicationStatus.ISSUED
    assert app.registered_on == app.decided_on == app.due_date == registered


# --- termination notices (004 §28) --------------------------------------------------------------------------


def test_termination_notice_within_2_working_days_is_on_time_004_s28(unit, quota, job, issued_permit):
    permit = issued_permit(6)
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_from=dt.date(2026, 1, 5))
    notice = services.submit_termination_notice(
        permit_number=permit.number,
        employer_iin=EMPLOYER_IIN,
        contract_ended_on=dt.date(2026, 3, 13),
        channel=Channel.PORTAL,
        actor=job,
        received_at=aware(2026, 3, 17, 17),
    )
    assert (notice.due_on, notice.is_late) == (dt.date(2026, 3, 17), False)


def test_termination_notice_after_2_working_days_is_recorded_as_late_004_s28(unit, quota, job, issued_permit):
    permit = issued_permit(6)
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_from=dt.date(2026, 1, 5))
    notice = services.submit_termination_notice(
        permit_number=permit.number,
        employer_iin=EMPLOYER_IIN,
        contract_ended_on=dt.date(2026, 3, 13),
        channel=Channel.PORTAL,
        actor=job,
        received_at=aware(2026, 3, 18, 9),
    )
    assert notice.is_late
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.TERMINATED
    log = TransitionLog.objects.filter(case_number=permit.number, transition="terminate").get()
    assert log.details["late"] is True


def test_termination_notice_from_another_employer_is_refused_004_s28(unit, quota, job, issued_permit, today):
    from .conftest import OTHER_IIN

    permit = issued_permit(6)
    with pytest.raises(RuleViolation) as exc:
        services.submit_termination_notice(
            permit_number=permit.number,
            employer_iin=OTHER_IIN,
            contract_ended_on=today,
            channel=Channel.PORTAL,
            actor=job,
        )
    assert exc.value.code == rules.EMPLOYER_MISMATCH
    assert not TerminationNotice.objects.exists()


def test_termination_also_ends_the_extension_that_follows_004_s28(unit, quota, job, issued_permit, today):
    permit = move_validity(issued_permit(6), days_from(today, 10))
    ext = extend(permit, job)
    services.submit_termination_notice(
        permit_number=permit.number,
        employer_iin=EMPLOYER_IIN,
        contract_ended_on=today,
        channel=Channel.PORTAL,
        actor=job,
    )
    assert set(Permit.objects.values_list("status", flat=True)) == {PermitStatus.TERMINATED}
    assert counts(quota) == (0, 0)
    assert Permit.objects.get(pk=ext.result_permit_id).holds_quota_unit is False


# --- revocation (004 §36–40) ----------------------------------------------------------------------------


def liaison_with_webhook():
    client, _raw = ApiClient.issue("police", ["revocations:read"], kind=ApiClient.Kind.POLICE_LIAISON)
    WebhookSubscription.objects.create(client=client, url="https://mvd.example/hook", events=["*"])
    return client


def test_revocation_shortens_the_stay_to_15_days_and_queues_annex_9_004_s39_s40(unit, quota, job, issued_permit):
    liaison_with_webhook()
    permit = issued_permit(6)
    rev = services.revoke_permit(
        permit_id=permit.pk,
        act_number="17",
        act_date=dt.date(2026, 3, 1),
        act_body="Labour inspection",
        actor=job,
        revoked_on=dt.date(2026, 3, 2),
    )
    assert rev.leave_by == dt.date(2026, 3, 17)
    assert rev.step_deadline == dt.date(2026, 3, 4)  # 2 WD (004 §39)
    message = OutboxMessage.objects.get(event=services.EVENT_REVOKED)
    assert message.payload["permit"]["number"] == permit.number
    assert rev.outbox_event_id == message.event_id


def test_revocation_delivered_through_the_webhook_is_confirmed_by_the_job_004_s39(
    unit, quota, job, issued_permit, today
):
    liaison_with_webhook()
    rev = services.revoke_permit(
        permit_id=issued_permit(6).pk, act_number="1", act_date=today, act_body="GIT", actor=job
    )
    assert services.deliver_revocation_information()["delivered"] == 0
    OutboxMessage.objects.filter(event_id=rev.outbox_event_id).update(status=OutboxMessage.Status.DELIVERED)
    assert services.deliver_revocation_information()["delivered"] == 1
    rev = Revocation.objects.get(pk=rev.pk)
    assert (rev.status, rev.delivery_channel) == (RevocationStatus.DELIVERED, "webhook")


def test_revocation_not_delivered_within_2_working_days_is_overdue_004_s39(unit, quota, job, issued_permit, today):
    rev = services.revoke_permit(
        permit_id=issued_permit(6).pk,
        act_number="1",
        act_date=days_from(today, -10),
        act_body="GIT",
        actor=job,
        revoked_on=days_from(today, -10),
    )
    rev = Revocation.objects.get(pk=rev.pk)
    assert rev.is_overdue
    assert services.watch_deadlines(today) == 1
    assert services.watch_deadlines(today) == 0  # flagged once
    assert TransitionLog.objects.filter(case_number=rev.number, transition="deadline_missed").count() == 1


def test_revocation_published_later_when_no_liaison_was_subscribed_004_s39(unit, quota, job, issued_permit, today):
    rev = services.revoke_permit(
        permit_id=issued_permit(6).pk, act_number="1", act_date=today, act_body="GIT", actor=job
    )
    assert rev.outbox_event_id is None
    liaison_with_webhook()
    assert services.deliver_revocation_information()["published"] == 1
    assert Revocation.objects.get(pk=rev.pk).outbox_event_id is not None


def test_revoking_a_permit_no_longer_in_force_is_refused(unit, quota, job, issued_permit, today):
    permit = issued_permit(6)
    services.revoke_permit(permit_id=permit.pk, act_number="1", act_date=today, act_body="GIT", actor=job)
    with pytest.raises(NotAllowedInState):
        services.revoke_permit(permit_id=permit.pk, act_number="2", act_date=today, act_body="GIT", actor=job)


# --- jobs: reminders and the deadline watch ------------------------------------------------------------------


def test_reminders_when_the_window_opens_and_2_days_before_it_closes_004_s24(unit, quota, job, issued_permit, today):
    permit = move_validity(issued_permit(3), days_from(today, 30))
    assert services.send_extension_reminders(today) == 1
    assert services.send_extension_reminders(today) == 0
    assert services.send_extension_reminders(days_from(today, 22)) == 0
    assert services.send_extension_reminders(days_from(today, 23)) == 1  # 7 days before expiry: closes in 2
    assert set(PermitReminder.objects.filter(permit=permit).values_list("kind", flat=True)) == {
        "window_opens",
        "window_closes_soon",
    }


def test_application_past_its_step_deadline_is_flagged_once(unit, quota, job):
    app, _code = services.register_application(application_input(unit, received_at=aware(2026, 3, 2, 10)), actor=job)
    assert services.watch_deadlines(timezone.localdate()) >= 1
    assert get_app(app.pk).deadline_missed_on is not None


# --- quota import (CSV, all or nothing) --------------------------------------------------------------------


def test_quota_import_creates_and_updates_all_rows(unit):
    text = f"unit_code,period_start,period_end,total\n{unit.code},2026-01-01,2026-12-31,40\n"
    assert quotas.import_quotas_csv(text).created == 1
    text = f"unit_code,period_start,period_end,total\n{unit.code},2026-01-01,2026-12-31,45\n"
    result = quotas.import_quotas_csv(text)
    assert (result.ok, result.updated) == (True, 1)
    assert Quota.objects.get(unit=unit).total == 45


def test_quota_import_with_one_bad_row_saves_nothing_and_names_each_error(unit):
    text = (
        "unit_code,period_start,period_end,total\n"
        f"{unit.code},2026-01-01,2026-12-31,40\n"
        "999999999,2026-01-01,2026-12-31,10\n"
        f"{unit.code},2026-13-01,2026-12-31,-3\n"
    )
    result = quotas.import_quotas_csv(text)
    assert not result.ok
    assert {(e["row"], e["code"]) for e in result.errors} >= {
        (2, "unknown_unit"),
        (3, "invalid_date"),
        (3, "invalid_total"),
    }
    assert not Quota.objects.exists()


def test_quota_cannot_be_lowered_below_the_units_in_use(unit, make_quota, today):
    quota = make_quota(unit, total=2, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    Quota.objects.filter(pk=quota.pk).update(issued=2)
    result = quotas.import_quotas_csv(f"unit_code,period_start,period_end,total\n{unit.code},2026-01-01,2026-12-31,1\n")
    assert [e["code"] for e in result.errors] == ["quota_below_usage"]
    assert Quota.objects.get(pk=quota.pk).total == 2


def test_quota_check_constraint_refuses_an_overrun_in_the_database(unit, make_quota):
    from django.db import IntegrityError, transaction
    from django.db.models import F

    quota = make_quota(unit, total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.filter(pk=quota.pk).update(issued=F("issued") + 2)
