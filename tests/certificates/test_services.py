"""The qualification certificate service, step by step, as the act says it (seed 003)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from casework.actors import Actor
from casework.exceptions import NotAllowedInState, NotPermitted, RuleViolation
from casework.models import Attachment, Person, TransitionLog
from certificates import rules, services
from certificates.models import Certificate, CertificateApplication, CommissionProtocol, HolderNotice, Revocation
from tests.certificates.factories import (
    JOB,
    CommissionMemberFactory,
    ProfessionFactory,
    applicant_data,
    issued_certificate,
    submit_issue,
)
from tests.factories import OrganisationFactory, RegionFactory, make_identifier
from tests.samples import PDF

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English here (the office's default language is Russian)."""
    with translation.override("en"):
        yield


def reload(application) -> CertificateApplication:
    return CertificateApplication.objects.get(pk=application.pk)


def history(obj) -> list[TransitionLog]:
    return list(
        TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(obj), case_id=obj.pk).order_by(
            "at", "id"
        )
    )


def assessed(unit, members, *, education=("higher",), years=5, confirm=None, recommendation="issue", **protocol):
    application, _code = submit_issue(unit, education=education, experience_years=years)
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    services.record_protocol(
        application,
        actor=JOB,
        members_present=members,
        confirmed_education=confirm[0] if confirm else list(education),
        confirmed_experience_years=confirm[1] if confirm else years,
        recommendation=recommendation,
        **protocol,
    )
    return reload(application)


# --- submission (003 §3, §5, annex 2 row 7) ---------------------------------------------------------------


def test_issue_application_gets_number_registration_date_and_expected_result_date_003_s5(clock, unit, profession):
    application, code = submit_issue(unit, profession=profession)
    application = reload(application)
    assert application.number == "QC-2026-000001"
    assert application.status == "received" and application.kind == "issue"
    assert application.registered_on == D(2026, 3, 19)
    # 5 working days from 19.03.2026 across the Nauryz days off 21–25.03: 20, 26, 27, 30, 31.03 (annex 2 row 3).
    assert application.due_date == D(2026, 3, 31)
    assert application.step_name == "completeness_check" and application.step_deadline == D(2026, 3, 20)
    assert application.regulation_version == "003/2025-12-30"
    assert application.proposed_points == 7  # higher 3 + 4–10 years 4
    assert application.check_access_code(code) and not application.check_access_code("wrong")
    assert Attachment.objects.filter(case_id=application.pk).count() == 3
    assert [h.transition for h in history(application)] == ["submit"]


def test_decision_term_crossing_nauryz_is_explained_to_the_clerk_annex2_row3(clock, unit):
    application, _ = submit_issue(unit)
    services.register_application(application, actor=JOB)
    application = reload(application)
    # Referral within 2 working days of registration (003 §7): 20.03, then 26.03 after Nauryz.
    assert application.step_deadline == D(2026, 3, 26)
    assert "Nauryz" in application.deadline_explanation or "Наурыз" in application.deadline_explanation


def test_application_received_after_18_30_is_registered_the_next_working_day_annex2_row7(clock, unit):
    clock.set(2026, 3, 19, 18, 45)
    application, _ = submit_issue(unit)
    application = reload(application)
    assert application.registered_on == D(2026, 3, 20)
    assert application.due_date == D(2026, 4, 1)  # 26, 27, 30, 31.03, 01.04


def test_application_received_on_a_day_off_is_registered_the_next_working_day_annex2_row7(clock, unit):
    clock.set(2026, 3, 22, 11, 0)  # Sunday inside Nauryz
    application, _ = submit_issue(unit)
    assert reload(application).registered_on == D(2026, 3, 26)


def test_numbers_follow_each_other_within_the_year(clock, unit):
    first, _ = submit_issue(unit)
    second, _ = submit_issue(unit)
    assert (first.number, second.number) == ("QC-2026-000001", "QC-2026-000002")


@pytest.mark.parametrize(
    ("change", "name", "code"),
    [
        ({"applicant": applicant_data(iin="123456789012")}, "applicant.iin", "invalid_checksum"),
        ({"applicant": applicant_data(citizenship="ZZZ")}, "applicant.citizenship", "invalid_country"),
        ({"applicant": applicant_data(surname="")}, "applicant.surname", "required"),
        ({"applicant": applicant_data(birth_date="2090-01-01")}, "applicant.birth_date", "invalid_date"),
        ({"applicant": applicant_data(phone="call me")}, "applicant.phone", "invalid_phone"),
        ({"applicant": applicant_data(email="no-at-sign")}, "applicant.email", "invalid_email"),
        ({"kind": "transfer"}, "kind", "invalid_choice"),
        ({"experience_years": None}, "experience_years", "required"),
        ({"experience_years": -1}, "experience_years", "invalid"),
        ({"education": [{"kind": "phd"}]}, "education.0.kind", "invalid_choice"),
        (
            {"documents": [{"type": "identity_document", "filename": "x.pdf", "content": b"MZ\x90\x00notapdf"}]},
            "documents.0.content_base64",
            "unsupported_file_type",
        ),
        (
            {"documents": [{"type": "selfie", "filename": "x.pdf", "content": PDF}]},
            "documents.0.type",
            "unknown_document_type",
        ),
        ({"personal_data_consent": False}, "personal_data_consent", "consent_required"),
    ],
)
def test_each_malformed_field_is_named_and_nothing_is_created(clock, unit, profession, change, name, code):
    kwargs = {
        "kind": "issue",
        "applicant": applicant_data(),
        "profession": profession.code,
        "experience_years": 5,
        "documents": [],
        "actor": JOB,
        "unit": unit,
        **change,
    }
    with pytest.raises(services.InvalidApplication) as err:
        services.submit_application(**kwargs)
    assert {"name": name, "code": code} in [{"name": p["name"], "code": p["code"]} for p in err.value.invalid_params]
    assert not CertificateApplication.objects.exists() and not Person.objects.exists()


def test_unknown_profession_code_is_refused(clock, unit):
    with pytest.raises(RuleViolation) as err:
        services.submit_application(
            kind="issue", applicant=applicant_data(), profession="0.0.0", experience_years=1, actor=JOB, unit=unit
        )
    assert err.value.code == "unknown_profession" and err.value.invalid_params[0]["name"] == "profession"


def test_profession_taken_out_of_the_list_is_refused_003_s8(clock, unit):
    gone = ProfessionFactory(active=False)
    with pytest.raises(RuleViolation) as err:
        submit_issue(unit, profession=gone)
    assert err.value.code == "profession_not_in_list"
    assert not CertificateApplication.objects.exists()


# --- completeness check, registration, refusal to accept (annex 2 rows 8, 9) ------------------------------


def test_incomplete_documents_cannot_be_registered_annex2_row8(clock, unit):
    application, _ = submit_issue(unit, documents=[{"type": "identity_document", "filename": "p.pdf", "content": PDF}])
    with pytest.raises(NotAllowedInState) as err:
        services.register_application(application, actor=JOB)
    assert err.value.code == "condition_not_met" and "annex 2 row 8" in str(err.value.detail)


def test_incomplete_documents_are_refused_to_accept_with_the_missing_ones_listed_annex2_row9(clock, unit):
    application, _ = submit_issue(unit, documents=[{"type": "identity_document", "filename": "p.pdf", "content": PDF}])
    services.refuse_to_accept(application, actor=JOB, ground=rules.INCOMPLETE_DOCUMENTS)
    application = reload(application)
    assert application.status == "refused_to_accept"
    assert application.missing_documents == ["education_document", "work_experience"]
    assert application.step_deadline is None
    assert "education document" in history(application)[-1].reason


def test_expired_documents_are_refused_to_accept_naming_them_annex2_row9(clock, unit):
    application, _ = submit_issue(unit)
    with pytest.raises(RuleViolation):
        services.refuse_to_accept(application, actor=JOB, ground=rules.EXPIRED_DOCUMENTS)
    services.refuse_to_accept(application, actor=JOB, ground=rules.EXPIRED_DOCUMENTS, reason="passport expired 2025")
    assert reload(application).non_acceptance_ground == "expired_documents"


def test_a_complete_set_is_not_refused_as_incomplete(clock, unit):
    application, _ = submit_issue(unit)
    with pytest.raises(RuleViolation) as err:
        services.refuse_to_accept(application, actor=JOB, ground=rules.INCOMPLETE_DOCUMENTS)
    assert err.value.code == "documents_complete"


# --- Commission (003 §7–§10) ---------------------------------------------------------------------------------


def test_referral_starts_the_commissions_3_working_days_003_s9(clock, unit):
    application, _ = submit_issue(unit)
    services.register_application(application, actor=JOB)
    clock.set(2026, 3, 20, 11)
    services.refer_to_commission(application, actor=JOB)
    application = reload(application)
    assert application.status == "referred" and application.step_name == "commission"
    assert application.step_deadline == D(2026, 3, 30)  # 26, 27, 30.03 after Nauryz


def test_protocol_sets_the_decision_due_5_working_days_from_acceptance_003_s11(clock, unit, members):
    application = assessed(unit, members)
    assert application.status == "assessed" and application.step_name == "decision"
    assert application.step_deadline == application.due_date == D(2026, 3, 31)
    protocol = application.protocol
    assert protocol.proposed_points == protocol.confirmed_points == 7
    assert set(protocol.members_present.all()) == set(members)
    assert {c["criterion"]: c["points"] for c in protocol.criteria}["experience"] == 4


def test_commission_correcting_the_proposed_score_must_give_the_reason_003_s10(clock, unit, members):
    application, _ = submit_issue(unit, education=["higher"], experience_years=5)
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    with pytest.raises(RuleViolation) as err:
        services.record_protocol(
            application,
            actor=JOB,
            members_present=members,
            confirmed_education=["higher"],
            confirmed_experience_years=11,
            recommendation="issue",
        )
    assert err.value.code == "correction_reason_required"
    protocol = services.record_protocol(
        application,
        actor=JOB,
        members_present=members,
        confirmed_education=["higher"],
        confirmed_experience_years=11,
        recommendation="issue",
        correction_reason="employer letters show 11 years",
    )
    assert (protocol.proposed_points, protocol.confirmed_points) == (7, 9)


def test_commission_cannot_recommend_issue_below_six_points_annex2_row9_p2(clock, unit, members):
    application, _ = submit_issue(unit, education=["higher"], experience_years=3)
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    with pytest.raises(RuleViolation) as err:
        services.record_protocol(
            application,
            actor=JOB,
            members_present=members,
            confirmed_education=["higher"],
            confirmed_experience_years=3,
            recommendation="issue",
        )
    assert err.value.code == "score_below_pass_mark"
    assert not CommissionProtocol.objects.exists() and reload(application).status == "referred"


def test_protocol_is_signed_by_members_of_this_body_only_003_s6_s9(clock, unit, members):
    stranger = CommissionMemberFactory(unit=RegionFactory())
    application, _ = submit_issue(unit)
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    for present in ([], [stranger], [members[0], stranger]):
        with pytest.raises(RuleViolation) as err:
            services.record_protocol(
                application,
                actor=JOB,
                members_present=present,
                confirmed_education=["higher"],
                confirmed_experience_years=5,
                recommendation="issue",
            )
        assert err.value.code == "invalid_members"


def test_extension_reissue_and_duplicate_do_not_go_to_the_commission(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    holder = certificate.holder
    duplicate, _ = services.submit_application(
        kind="duplicate",
        applicant=applicant_data(),
        profession=certificate.profession.code,
        certificate_number=certificate.number,
        event_date=D(2026, 3, 19),
        actor=JOB,
        documents=[
            {"type": "identity_document", "filename": "p.pdf", "content": PDF},
            {"type": "work_experience", "filename": "w.pdf", "content": PDF},
        ],
    )
    assert duplicate.applicant == holder
    services.register_application(duplicate, actor=JOB)
    with pytest.raises(NotAllowedInState) as err:
        services.refer_to_commission(duplicate, actor=JOB)
    assert "003 §16, §22, §22-1" in str(err.value.detail)


# --- decision (003 §11–§15, annex 2 row 9) ----------------------------------------------------------------


def test_issue_gives_a_numbered_certificate_valid_at_most_three_months_003_s11_s15(clock, unit, members):
    application = assessed(unit, members)
    clock.set(2026, 3, 27, 15)
    certificate = services.issue_certificate(application, actor=JOB)
    application = reload(application)
    assert application.status == "issued" and application.result_certificate == certificate
    assert certificate.number == "QCC-2026-000001" and certificate.status == "active"
    assert (certificate.valid_from, certificate.valid_to) == (D(2026, 3, 27), D(2026, 6, 26))
    assert certificate.holder == application.applicant and certificate.profession == application.profession
    assert "QC-2026-000001-P" in certificate.basis
    assert application.step_deadline is None and application.decided_on == D(2026, 3, 27)
    assert [h.transition for h in history(certificate)] == ["issue"]


def test_an_issue_application_cannot_be_decided_before_the_commission_003_s9_s11(clock, unit):
    application, _ = submit_issue(unit)
    services.register_application(application, actor=JOB)
    with pytest.raises(NotAllowedInState):
        services.issue_certificate(application, actor=JOB)
    with pytest.raises(NotAllowedInState):
        services.refuse_application(application, actor=JOB, ground=rules.UNRELIABLE_DOCUMENTS, motivation="forged")
    assert not Certificate.objects.exists()


def test_transition_after_the_step_deadline_is_allowed_and_recorded_as_breached(clock, unit, members):
    application = assessed(unit, members)
    clock.set(2026, 4, 2, 10)  # decision was due 31.03.2026 (003 §11)
    services.issue_certificate(application, actor=JOB)
    last = history(reload(application))[-1]
    assert last.transition == "issue" and last.deadline == D(2026, 3, 31) and last.deadline_breached


def test_refusal_when_the_qualification_does_not_meet_the_list_annex2_row9_p1(clock, unit, members):
    application = assessed(
        unit,
        members,
        recommendation="refuse",
        profession_matches=False,
        recommended_ground=rules.PROFESSION_NOT_IN_LIST,
        motivation="physics diploma, job is IT",
    )
    refused = services.refuse_application(
        application,
        actor=JOB,
        ground=rules.PROFESSION_NOT_IN_LIST,
        motivation="The diploma is in chemistry engineering.",
    )
    assert refused.status == "refused" and refused.refusal_ground == "profession_not_in_list"
    assert refused.refusal_number == "QCR-2026-000001"
    assert not Certificate.objects.exists()


def test_refusal_when_the_score_is_below_six_points_annex2_row9_p2(clock, unit, members):
    application = assessed(
        unit,
        members,
        education=("higher",),
        years=3,
        recommendation="refuse",
        recommended_ground=rules.SCORE_BELOW_PASS_MARK,
        motivation="5 points",
    )
    with pytest.raises(NotAllowedInState):  # the Commission recommended a refusal: no issue
        services.issue_certificate(application, actor=JOB)
    refused = services.refuse_application(
        application, actor=JOB, ground=rules.SCORE_BELOW_PASS_MARK, motivation="5 points of 6 required."
    )
    assert refused.refusal_ground == "score_below_pass_mark"


def test_refusal_for_unreliable_documents_annex2_row9_p3(clock, unit, members):
    application = assessed(unit, members)
    refused = services.refuse_application(
        application,
        actor=JOB,
        ground=rules.UNRELIABLE_DOCUMENTS,
        motivation="The work record was not confirmed by the employer.",
    )
    assert refused.refusal_ground == "unreliable_documents" and "employer" in refused.refusal_motivation


def test_refusal_must_be_motivated_and_agree_with_the_protocol_003_s11(clock, unit, members):
    application = assessed(unit, members)  # 7 points, profession matches
    for ground, motivation, code in [
        (rules.UNRELIABLE_DOCUMENTS, " ", "required"),
        (rules.SCORE_BELOW_PASS_MARK, "low", "ground_contradicts_protocol"),
        (rules.PROFESSION_NOT_IN_LIST, "no", "ground_contradicts_protocol"),
        ("dislike", "no", "invalid_choice"),
    ]:
        with pytest.raises(RuleViolation) as err:
            services.refuse_application(application, actor=JOB, ground=ground, motivation=motivation)
        assert err.value.code == code
    assert reload(application).status == "assessed"


# --- extension, re-issue, duplicate (003 §16–§22-1) --------------------------------------------------------


def extend(certificate, *, concluded_on, ends_on, employer=None, **kwargs):
    employer = employer or OrganisationFactory()
    return services.submit_application(
        kind="extend",
        applicant=applicant_data(),
        profession=certificate.profession.code,
        certificate_number=certificate.number,
        employer={"name": employer.name, "bin": employer.bin},
        labour_contract={"concluded_on": concluded_on, "ends_on": ends_on},
        actor=JOB,
        documents=[{"type": "labour_contract", "filename": "c.pdf", "content": PDF}],
        **kwargs,
    )[0]


def test_extension_keeps_the_number_and_runs_to_the_contract_end_in_3_working_days_003_s16(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    clock.set(2026, 4, 1, 10)
    application = extend(certificate, concluded_on=D(2026, 3, 30), ends_on=D(2027, 3, 29))
    assert reload(application).late_filing is False and reload(application).due_date == D(2026, 4, 6)
    services.register_application(application, actor=JOB)
    assert reload(application).step_name == "decision" and reload(application).step_deadline == D(2026, 4, 6)
    extended = services.issue_certificate(application, actor=JOB)
    assert extended.pk == certificate.pk and extended.number == certificate.number
    assert extended.valid_to == D(2027, 3, 29) and extended.extensions == 1
    assert [h.transition for h in history(extended)] == ["issue", "extend"]


def test_extension_is_capped_at_3_years_003_s16(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    application = extend(certificate, concluded_on=D(2026, 3, 19), ends_on=D(2031, 12, 31))
    services.register_application(application, actor=JOB)
    assert services.issue_certificate(application, actor=JOB).valid_to == D(2029, 3, 18)


def test_extension_filed_6_working_days_after_the_contract_is_accepted_but_flagged_late_003_s17(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    clock.set(2026, 4, 6, 10)
    # Contract 27.03.2026: the window's 5 working days are 30, 31.03, 1, 2, 3.04; 06.04 is the 6th.
    application = reload(extend(certificate, concluded_on=D(2026, 3, 27), ends_on=D(2027, 3, 1)))
    assert application.status == "received" and application.late_filing is True
    assert application.filing_window_ends_on == D(2026, 4, 3)
    assert "003 §17" in application.late_filing_reason and "03.04.2026" in application.late_filing_reason


def test_extension_for_a_contract_ending_within_the_term_is_refused_003_s16(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    with pytest.raises(RuleViolation) as err:
        extend(certificate, concluded_on=D(2026, 3, 19), ends_on=D(2026, 5, 1))
    assert err.value.code == "extension_not_longer"


def test_reissue_for_a_changed_name_gives_a_new_number_and_ends_the_old_one_003_s22(clock, unit, members):
    _app, old = issued_certificate(unit, members=members)
    clock.set(2026, 3, 30, 10)
    application, _ = services.submit_application(
        kind="reissue",
        applicant=applicant_data(surname="Karimova", passport_number="FB7654321"),
        profession=old.profession.code,
        certificate_number=old.number,
        event_date=D(2026, 3, 26),
        actor=JOB,
        documents=[{"type": "changed_identity_document", "filename": "new.pdf", "content": PDF}],
    )
    application = reload(application)
    assert application.reissue_reason == "identity_change" and application.late_filing is False
    services.register_application(application, actor=JOB)
    new = services.issue_certificate(application, actor=JOB)
    old = Certificate.objects.get(pk=old.pk)
    assert new.number == "QCC-2026-000002" != old.number
    assert new.holder.surname == "Karimova" and new.valid_to == old.valid_to and new.replaces == old
    assert old.status == "superseded" and new.number in old.end_reason
    assert [h.transition for h in history(old)] == ["issue", "supersede"]


def test_reissue_for_a_new_employer_names_the_employer_003_s19_s22(clock, unit, members):
    _app, old = issued_certificate(unit, members=members)
    employer = OrganisationFactory()
    application, _ = services.submit_application(
        kind="reissue",
        applicant=applicant_data(),
        profession=old.profession.code,
        certificate_number=old.number,
        employer={"name": employer.name, "bin": employer.bin},
        event_date=D(2026, 3, 10),
        actor=JOB,
        documents=[{"type": "labour_contract", "filename": "c.pdf", "content": PDF}],
    )
    application = reload(application)
    # Change on 10.03; window 11, 12, 13, 16, 17.03; filed 19.03: late (003 §22), accepted.
    assert application.reissue_reason == "employer_change" and application.late_filing is True
    assert "003 §22" in application.late_filing_reason
    services.register_application(application, actor=JOB)
    assert services.issue_certificate(application, actor=JOB).employer == employer


def test_duplicate_keeps_the_number_003_s22_1(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    application, _ = services.submit_application(
        kind="duplicate",
        applicant=applicant_data(),
        profession=certificate.profession.code,
        certificate_number=certificate.number,
        event_date=D(2026, 3, 5),
        actor=JOB,
        documents=[
            {"type": "identity_document", "filename": "p.pdf", "content": PDF},
            {"type": "work_experience", "filename": "w.pdf", "content": PDF},
        ],
    )
    application = reload(application)
    assert application.late_filing is True and "003 §22-1" in application.late_filing_reason
    assert application.due_date == D(2026, 3, 27)  # 3 working days (003 §22-1): 20, 26, 27.03 across Nauryz
    services.register_application(application, actor=JOB)
    duplicate = services.issue_certificate(application, actor=JOB)
    assert duplicate.number == certificate.number and duplicate.duplicates == 1


def test_window_not_checked_when_the_event_date_is_not_given(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    application, _ = services.submit_application(
        kind="duplicate",
        applicant=applicant_data(),
        profession=certificate.profession.code,
        certificate_number=certificate.number,
        actor=JOB,
    )
    application = reload(application)
    assert application.late_filing is None and "003 §22-1" in application.late_filing_reason


def test_only_the_holder_may_file_about_a_certificate_003_s14(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    with pytest.raises(RuleViolation) as err:
        services.submit_application(
            kind="duplicate",
            applicant=applicant_data(birth_date="1985-01-01"),
            profession=certificate.profession.code,
            certificate_number=certificate.number,
            actor=JOB,
        )
    assert err.value.code == "not_the_holder" and err.value.invalid_params[0]["name"] == "certificate_number"


def test_unknown_certificate_number_and_a_second_open_application_are_refused(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    with pytest.raises(services.CertificateNotFound):
        services.submit_application(
            kind="duplicate",
            applicant=applicant_data(),
            profession=certificate.profession.code,
            certificate_number="QCC-1999-000001",
            actor=JOB,
        )
    services.submit_application(
        kind="duplicate",
        applicant=applicant_data(),
        profession=certificate.profession.code,
        certificate_number=certificate.number,
        actor=JOB,
    )
    with pytest.raises(RuleViolation) as err:
        services.submit_application(
            kind="duplicate",
            applicant=applicant_data(),
            profession=certificate.profession.code,
            certificate_number=certificate.number,
            actor=JOB,
        )
    assert err.value.code == "application_already_open"


# --- lifecycle: revocation, expiry, reminders (003 §21, §23) -----------------------------------------------


def test_revocation_on_a_control_bodys_act_ends_the_certificate_003_s21(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    revocation = services.revoke_certificate(
        certificate,
        actor=JOB,
        act_number="17-ПП",
        act_date=D(2026, 3, 18),
        control_body="Labour inspection of Mangystau region",
    )
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.status == "revoked" and "17-ПП" in certificate.end_reason
    assert Revocation.objects.get() == revocation
    with pytest.raises(NotAllowedInState):
        services.revoke_certificate(certificate, actor=JOB, act_number="18", act_date=D(2026, 3, 18), control_body="x")


def test_revocation_needs_the_act_003_s21(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    with pytest.raises(services.InvalidApplication) as err:
        services.revoke_certificate(certificate, actor=JOB, act_number="", act_date=None, control_body="")
    assert {p["name"] for p in err.value.invalid_params} == {"act_number", "act_date", "control_body"}


def test_a_revoked_certificate_cannot_be_extended(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    services.terminate_certificate(certificate, actor=JOB, reason="works as a driver (003 §23 2))")
    with pytest.raises(RuleViolation) as err:
        extend(certificate, concluded_on=D(2026, 3, 19), ends_on=D(2027, 1, 1))
    assert err.value.code == "certificate_not_active"


def test_expiry_job_ends_the_term_once_even_when_run_twice_003_s23(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)  # valid to 18.06.2026
    assert services.expire_due_certificates(today=D(2026, 6, 18)) == 0
    assert services.expire_due_certificates(today=D(2026, 6, 19)) == 1
    assert services.expire_due_certificates(today=D(2026, 6, 19)) == 0
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.status == "expired" and certificate.ended_on == D(2026, 6, 18)
    assert [h.transition for h in history(certificate)] == ["issue", "expire"]


def test_expiry_task_runs_through_celery(clock, unit, members):
    from certificates.tasks import expire_certificates

    issued_certificate(unit, members=members)
    clock.set(2026, 7, 1)
    assert expire_certificates.delay().get() == 1
    assert expire_certificates.delay().get() == 0


def test_holder_is_reminded_once_10_days_before_expiry(clock, unit, members, memory_notifications):
    _app, certificate = issued_certificate(unit, members=members)  # valid to 18.06.2026
    assert services.send_expiry_reminders(today=D(2026, 6, 7)) == 0
    assert services.send_expiry_reminders(today=D(2026, 6, 8)) == 1
    assert services.send_expiry_reminders(today=D(2026, 6, 9)) == 0
    assert len(memory_notifications) == 1 and certificate.number in memory_notifications[0].body
    assert certificate.notifications.get().sent_at is not None


# --- holder notices (003 §18, §20) ---------------------------------------------------------------------------


def test_termination_notice_after_5_working_days_is_recorded_late_and_the_certificate_stays_003_s20(
    clock, unit, members
):
    _app, certificate = issued_certificate(unit, members=members)
    clock.set(2026, 3, 30, 10)
    # Terminated 18.03: 5 working days 19, 20, 26, 27, 30.03 — filed on the 5th: on time.
    on_time = services.record_notice(
        certificate_number=certificate.number, kind="contract_termination", event_date=D(2026, 3, 18), actor=JOB
    )
    assert not on_time.late and on_time.due_on == D(2026, 3, 30)
    clock.set(2026, 3, 31, 10)
    late = services.record_notice(
        certificate_number=certificate.number, kind="contract_termination", event_date=D(2026, 3, 18), actor=JOB
    )
    assert late.late and late.due_on == D(2026, 3, 30)
    assert Certificate.objects.get(pk=certificate.pk).status == "active"
    assert HolderNotice.objects.count() == 2


def test_employer_change_notice_names_the_new_employer_003_s18(clock, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    with pytest.raises(services.InvalidApplication) as err:
        services.record_notice(
            certificate_number=certificate.number, kind="employer_change", event_date=D(2026, 3, 18), actor=JOB
        )
    assert err.value.invalid_params[0]["name"] == "employer"
    notice = services.record_notice(
        certificate_number=certificate.number,
        kind="employer_change",
        event_date=D(2026, 3, 18),
        actor=JOB,
        employer={"name": "TOO Aktau Tech", "bin": make_identifier(555)},
    )
    assert notice.employer.name == "TOO Aktau Tech" and not notice.late


# --- deadlines flagged for the queue ----------------------------------------------------------------------


def test_flagging_marks_due_soon_and_overdue_steps_and_a_second_run_changes_nothing(clock, unit):
    soon, _ = submit_issue(unit)  # completeness check due 20.03
    later, _ = submit_issue(unit)
    services.register_application(later, actor=JOB)  # referral due 26.03
    assert services.flag_step_deadlines(today=D(2026, 3, 19)) == {"overdue": 0, "due_soon": 1, "on_time": 0}
    assert reload(soon).deadline_flag == "due_soon" and reload(later).deadline_flag == ""
    assert services.flag_step_deadlines(today=D(2026, 3, 27)) == {"overdue": 2, "due_soon": 0, "on_time": 0}
    assert services.flag_step_deadlines(today=D(2026, 3, 27)) == {"overdue": 0, "due_soon": 0, "on_time": 0}


# --- who may do what (roles) ------------------------------------------------------------------------------


def test_each_step_belongs_to_its_role(clock, unit, members, registrar, officer, secretary, head):
    application, _ = submit_issue(unit)
    with pytest.raises(NotPermitted):
        services.register_application(application, actor=Actor.clerk(head))
    services.register_application(application, actor=Actor.clerk(registrar))
    with pytest.raises(NotPermitted):
        services.refer_to_commission(application, actor=Actor.clerk(registrar))
    services.refer_to_commission(application, actor=Actor.clerk(officer))
    with pytest.raises(NotPermitted):
        services.record_protocol(
            application,
            actor=Actor.clerk(officer),
            members_present=members,
            confirmed_education=["higher"],
            confirmed_experience_years=5,
            recommendation="issue",
        )
    services.record_protocol(
        application,
        actor=Actor.clerk(secretary),
        members_present=members,
        confirmed_education=["higher"],
        confirmed_experience_years=5,
        recommendation="issue",
    )
    with pytest.raises(NotPermitted):
        services.issue_certificate(application, actor=Actor.clerk(secretary))
    certificate = services.issue_certificate(application, actor=Actor.clerk(head))
    assert certificate.signed_by == head
    with pytest.raises(NotPermitted):
        services.revoke_certificate(
            certificate, actor=Actor.clerk(officer), act_number="1", act_date=D(2026, 3, 1), control_body="x"
        )
    services.revoke_certificate(
        certificate, actor=Actor.clerk(head), act_number="1", act_date=D(2026, 3, 1), control_body="x"
    )
    assert [h.actor_label for h in history(reload(application))][1:] == [
        registrar.username,
        officer.username,
        secretary.username,
        head.username,
    ]


def test_a_clerk_of_another_unit_cannot_act(clock, unit):
    from tests.certificates.factories import clerk

    application, _ = submit_issue(unit)
    stranger = clerk(RegionFactory(), "registrar")
    with pytest.raises(NotPermitted):
        services.register_application(application, actor=Actor.clerk(stranger))
