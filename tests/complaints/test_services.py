"""Complaint paths and terms (003 §24–§28, 004 §32–§35) on a minimal case standing in for any service."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from casework.actors import Actor
from casework.exceptions import NotAllowedInState, NotPermitted, RuleViolation, ServiceError
from casework.models import Attachment, Person, TransitionLog
from casework.services import run_transition
from casework.suspension import resume, suspend
from complaints import reopening, rules, services
from complaints.models import Complaint
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, OrganisationFactory, PersonFactory, aware
from tests.samples import EXE, PDF

from .conftest import JOB, body, file, identity, working_days_ago


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def history(obj) -> list[str]:
    rows = TransitionLog.objects.filter(case_type=ContentType.objects.get_for_model(obj), case_id=obj.pk)
    return list(rows.order_by("at", "id").values_list("transition", flat=True))


# --- registration and terms -------------------------------------------------------------------------


def test_complaint_to_the_provider_is_due_5_working_days_after_registration_003_s25_004_s33(application):
    complaint = file(application, received_at=aware(2026, 3, 16, 10))
    assert complaint.status == "registered"
    assert complaint.registered_on == dt.date(2026, 3, 16)
    assert complaint.step_deadline == dt.date(2026, 3, 19)  # forward (or settle) within 3 WD, 003 §24
    assert complaint.due_date == dt.date(2026, 3, 26)  # 5 WD, Nauryz 21–25.03 skipped
    assert complaint.number.startswith("CMP-2026-")
    assert complaint.challenged == application and complaint.unit == application.unit
    assert complaint.complainant == application.applicant and complaint.complainant_role == rules.APPLICANT
    assert history(complaint) == ["register"]
    assert "complaint_filed" in history(application)  # the challenged case shows it too


def test_complaint_to_the_quality_control_body_is_due_15_working_days_after_registration_003_s26_004_s34(application):
    complaint = file(application, received_at=aware(2026, 3, 16, 10), addressee=rules.QUALITY_CONTROL)
    assert complaint.due_date == dt.date(2026, 4, 9)
    assert complaint.step_deadline == dt.date(2026, 3, 19)


def test_complaint_to_the_state_corporation_head_is_due_5_working_days_004_s35(application):
    complaint = file(
        application, received_at=aware(2026, 3, 16, 10), addressee=rules.STATE_CORPORATION_HEAD, subject=rules.ACTION
    )
    assert complaint.due_date == dt.date(2026, 3, 26) and complaint.subject == rules.ACTION


def test_complaint_received_after_office_hours_before_nauryz_is_registered_on_26_03_2026(application):
    complaint = file(application, received_at=aware(2026, 3, 20, 19, 0))
    assert complaint.registered_on == dt.date(2026, 3, 26)
    assert (complaint.step_deadline, complaint.due_date) == (dt.date(2026, 3, 31), dt.date(2026, 4, 2))


# --- the provider settles it itself within 3 WD: not forwarded ---------------------------------------


def test_complaint_granted_in_full_by_the_provider_within_3_working_days_is_not_forwarded_003_s24_004_s32(
    application, head
):
    complaint = file(application)
    granted = services.grant_by_provider(complaint, actor=Actor.clerk(head), corrective_action="Decision revised")
    assert granted.status == "granted" and granted.extent == rules.FULL and granted.decided_by_provider
    assert granted.forwarded_on is None and granted.reviewing_body == ""
    assert granted.step_deadline is None and granted.decided_on is not None
    assert "forward" not in history(granted)


def test_provider_cannot_settle_a_complaint_itself_after_3_working_days_003_s24(application, head):
    complaint = file(application, received_at=working_days_ago(4))
    with pytest.raises(NotAllowedInState) as err:
        services.grant_by_provider(complaint, actor=Actor.clerk(head), corrective_action="Decision revised")
    assert err.value.code == "condition_not_met" and "24" in str(err.value.detail)  # cites 003 §24
    assert fresh(complaint).status == "registered"


def test_settling_without_recording_the_corrective_action_is_refused(application, head):
    complaint = file(application)
    with pytest.raises(RuleViolation) as err:
        services.grant_by_provider(complaint, actor=Actor.clerk(head), corrective_action="  ")
    assert err.value.code == "corrective_action_required" and fresh(complaint).status == "registered"


# --- forwarded → under review → granted / rejected ----------------------------------------------------


def test_forwarded_within_3_working_days_then_reviewed_and_granted_in_part_003_s24_s25(application, officer, head):
    complaint = file(application)
    complaint = services.forward(complaint, actor=Actor.clerk(officer), reviewing_body="Akim's office")
    assert complaint.status == "forwarded" and not complaint.forwarded_late
    assert complaint.reviewing_body == "Akim's office"
    assert complaint.step_name == "review" and complaint.step_deadline == complaint.due_date
    complaint = services.start_review(complaint, actor=Actor.clerk(officer))
    assert complaint.status == "under_review" and complaint.review_started_on
    complaint = services.grant(
        complaint,
        actor=Actor.clerk(head),
        extent=rules.PARTIAL,
        corrective_action="Fee recalculated",
        decision="Partly founded",
    )
    assert complaint.status == "granted" and complaint.extent == rules.PARTIAL and not complaint.decided_by_provider
    assert complaint.corrective_action == "Fee recalculated" and complaint.corrective_number == ""
    assert history(complaint) == ["register", "forward", "start_review", "grant"]


def test_forwarding_after_3_working_days_is_recorded_as_overdue_003_s24_004_s32(application, officer):
    complaint = file(application, received_at=working_days_ago(5))
    assert complaint.is_overdue
    complaint = services.forward(complaint, actor=Actor.clerk(officer), reviewing_body="Akim's office")
    assert complaint.status == "forwarded" and complaint.forwarded_late
    row = TransitionLog.objects.get(case_number=complaint.number, transition="forward")
    assert row.deadline_breached and row.deadline < complaint.forwarded_on


def test_rejection_needs_reasons_and_keeps_them_003_s24(application, officer, head):
    complaint = file(application)
    services.forward(complaint, actor=Actor.clerk(officer), reviewing_body="Akim's office")
    services.start_review(complaint, actor=Actor.clerk(officer))
    with pytest.raises(RuleViolation) as err:
        services.reject(complaint, actor=Actor.clerk(head), reasons="")
    assert err.value.code == "reasons_required" and fresh(complaint).status == "under_review"
    rejected = services.reject(complaint, actor=Actor.clerk(head), reasons="The refusal followed annex 2 row 9")
    assert rejected.status == "rejected" and rejected.decision_text == "The refusal followed annex 2 row 9"
    assert rejected.extent == "" and rejected.step_deadline is None


def test_the_provider_itself_cannot_reject_it_must_forward(application, head):
    complaint = file(application)
    with pytest.raises((NotAllowedInState, NotPermitted)):
        services.reject(complaint, actor=Actor.clerk(head), reasons="No")
    assert fresh(complaint).status == "registered"


def test_an_officer_may_forward_but_not_decide(application, officer):
    complaint = file(application)
    with pytest.raises(NotPermitted):
        services.grant_by_provider(complaint, actor=Actor.clerk(officer), corrective_action="x")
    other_unit_officer = ClerkFactory(roles=["officer"])
    with pytest.raises(NotPermitted):
        services.forward(complaint, actor=Actor.clerk(other_unit_officer), reviewing_body="x")


def test_invalid_extent_is_refused(application, officer, head):
    complaint = file(application)
    services.forward(complaint, actor=Actor.clerk(officer), reviewing_body="Akim's office")
    services.start_review(complaint, actor=Actor.clerk(officer))
    with pytest.raises(RuleViolation) as err:
        services.grant(complaint, actor=Actor.clerk(head), extent="most", corrective_action="x")
    assert err.value.code == "invalid_extent"


# --- stop-the-clock on a complaint ----------------------------------------------------------------


def test_complaint_clock_stopped_across_nauryz_moves_its_due_date_by_2_working_days(application):
    complaint = file(application, received_at=aware(2026, 3, 16, 10))
    suspend(complaint, "Asked the complainant which decision is meant", JOB, on=dt.date(2026, 3, 20))
    complaint = resume(fresh(complaint), JOB, on=dt.date(2026, 3, 27))
    assert complaint.suspended_working_days == 2
    assert complaint.due_date == dt.date(2026, 3, 30)  # 26.03 + 2 WD (27, 30)
    assert complaint.step_deadline == dt.date(2026, 3, 26)  # 19.03 + 2 WD (20, 26)


# --- who may complain ----------------------------------------------------------------------------


def test_someone_who_is_not_the_applicant_is_refused_not_a_party(application):
    stranger = PersonFactory()
    with pytest.raises(NotPermitted) as err:
        file(application, complainant=identity(stranger))
    assert err.value.code == "not_a_party" and err.value.status_code == 403
    assert (
        not Complaint.objects.exists()
        and not Person.objects.filter(passport_number=stranger.passport_number, pk__gt=stranger.pk).exists()
    )


def test_same_passport_but_other_birth_date_is_not_the_applicant(application):
    with pytest.raises(NotPermitted):
        file(application, complainant=identity(application.applicant, birth_date="1970-01-01"))


def test_applicant_found_by_iin(application):
    from tests.factories import make_identifier

    person = application.applicant
    person.iin = make_identifier(900_101_300_000)
    person.save()
    complaint = file(application, complainant=identity(person, passport_number="OTHER1", iin=person.iin))
    assert complaint.complainant == person


def test_representative_with_power_of_attorney_may_complain(application):
    representative = {
        "surname": "Lawyer",
        "given_name": "Dana",
        "birth_date": "1985-05-05",
        "passport_number": "N1234567",
        "citizenship": "KAZ",
    }
    documents = [{"type": rules.POWER_OF_ATTORNEY, "filename": "poa.pdf", "content": PDF}]
    from complaints.services import DocumentUpload

    complaint = file(
        application,
        complainant_role=rules.REPRESENTATIVE,
        complainant=representative,
        on_behalf_of={
            "passport_number": application.applicant.passport_number,
            "birth_date": application.applicant.birth_date.isoformat(),
        },
        documents=[DocumentUpload(d["type"], d["filename"], d["content"]) for d in documents],
    )
    assert complaint.complainant_role == rules.REPRESENTATIVE and complaint.complainant.surname == "Lawyer"
    assert complaint.attachments.get().doc_type == rules.POWER_OF_ATTORNEY


def test_representative_without_power_of_attorney_is_refused_and_nothing_created(application):
    representative = {
        "surname": "Lawyer",
        "given_name": "Dana",
        "birth_date": "1985-05-05",
        "passport_number": "N1234567",
    }
    with pytest.raises(RuleViolation) as err:
        file(
            application,
            complainant_role=rules.REPRESENTATIVE,
            complainant=representative,
            on_behalf_of={
                "passport_number": application.applicant.passport_number,
                "birth_date": application.applicant.birth_date.isoformat(),
            },
        )
    assert err.value.code == "power_of_attorney_required"
    assert not Complaint.objects.exists() and not Person.objects.filter(surname="Lawyer").exists()


def test_the_employer_of_the_application_may_complain(application, monkeypatch):
    employer = OrganisationFactory()
    monkeypatch.setattr(DemoCase, "complaint_parties", lambda self: ([self.applicant], [employer]), raising=False)
    complaint = file(
        application, complainant_role=rules.EMPLOYER, complainant={"bin": employer.bin}, subject=rules.INACTION
    )
    assert complaint.complainant_organisation == employer and complaint.complainant_name == employer.name
    other = OrganisationFactory()
    with pytest.raises(NotPermitted) as err:
        file(application, complainant_role=rules.EMPLOYER, complainant={"bin": other.bin})
    assert err.value.code == "not_a_party"


# --- what is challenged -------------------------------------------------------------------------------


def test_complaint_about_a_clerk_action_links_the_history_row(application):
    run_transition(DemoCase, application.pk, "refuse", actor=JOB, reason="no")
    action = TransitionLog.objects.get(case_number=application.number, transition="refuse")
    complaint = file(application, subject=rules.ACTION, action_id=action.pk)
    assert complaint.challenged_action == action


def test_complaint_about_an_action_of_another_case_is_refused(application):
    other = DemoCase.objects.create(
        number="DC-2026-999999",
        kind="issue",
        channel="portal",
        regulation_version="t",
        unit=application.unit,
        received_at=application.received_at,
        applicant=application.applicant,
    )
    run_transition(DemoCase, other.pk, "refuse", actor=JOB)
    action = TransitionLog.objects.get(case_number=other.number, transition="refuse")
    with pytest.raises(ServiceError) as err:
        file(application, action_id=action.pk)
    assert err.value.code == "action_not_found" and not Complaint.objects.exists()


def test_a_decision_on_a_complaint_cannot_be_challenged_by_another_complaint_003_s27(application, monkeypatch):
    from casework import registry

    monkeypatch.setitem(registry._SERVICES, "CMP", registry.ServiceEntry(prefix="CMP", model=Complaint))
    complaint = file(application)
    with pytest.raises(RuleViolation) as err:
        file(application, application_number=complaint.number)
    assert err.value.code == "complaint_about_complaint"


# --- bad input: a specific code each, nothing created ------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "name", "code"),
    [
        ({"subject": "opinion"}, "subject", "invalid_choice"),
        ({"subject": ""}, "subject", "required"),
        ({"addressee": "president"}, "addressee", "invalid_choice"),
        ({"text": "   "}, "text", "required"),
        ({"text": "x" * 20_001}, "text", "too_long"),
        ({"application_number": ""}, "application_number", "required"),
        ({"complainant": None}, "complainant", "required"),
        ({"complainant_role": "neighbour"}, "complainant_role", "invalid_choice"),
        (
            {"documents": [{"type": "complaint_evidence", "filename": "a.pdf", "content_base64": "%%%"}]},
            "documents.0.content_base64",
            "invalid_base64",
        ),
        ({"documents": "a file"}, "documents", "invalid"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_created(application, overrides, name, code):
    with pytest.raises(ServiceError) as err:
        file(application, **overrides)
    assert err.value.status_code == 400
    assert {"name": name, "code": code} in [{"name": p["name"], "code": p["code"]} for p in err.value.invalid_params]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_bad_iin_is_refused_invalid_checksum(application):
    with pytest.raises(ServiceError) as err:
        file(application, complainant=identity(application.applicant, iin="123456789012"))
    assert err.value.code == "invalid_checksum" and not Complaint.objects.exists()


def test_a_program_disguised_as_pdf_is_refused_and_nothing_created(application):
    import base64

    content = base64.b64encode(EXE).decode()
    docs = [{"type": "complaint_evidence", "filename": "evidence.pdf", "content_base64": content}]
    with pytest.raises(ServiceError) as err:
        file(application, documents=docs)
    assert err.value.code == "unsupported_file_type"
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_unknown_application_number_is_refused(application):
    with pytest.raises(ServiceError) as err:
        file(application, application_number="DC-2026-424242")
    assert err.value.code == "application_not_found" and err.value.status_code == 422


def test_unknown_challenged_document_is_refused(application):
    with pytest.raises(ServiceError) as err:
        file(application, document_number="DC-D-2026-000001")
    assert err.value.code == "document_not_found" and not Complaint.objects.exists()


# --- reopening the challenged case -----------------------------------------------------------------


@pytest.fixture
def reviewed(application, officer):
    run_transition(DemoCase, application.pk, "refuse", actor=JOB, reason="refused")
    complaint = file(application)
    services.forward(complaint, actor=Actor.clerk(officer), reviewing_body="Akim's office")
    return services.start_review(complaint, actor=Actor.clerk(officer))


def test_a_service_without_a_reopen_hook_cannot_be_reopened_and_the_grant_is_undone(reviewed, head):
    with pytest.raises(RuleViolation) as err:
        services.grant(reviewed, actor=Actor.clerk(head), extent=rules.FULL, corrective_action="Reopen", reopen=True)
    assert err.value.code == "reopen_not_supported"
    assert fresh(reviewed).status == "under_review"
    assert not reopening.can_reopen(reviewed.challenged)


def test_granted_complaint_reopens_the_case_through_the_services_hook_keeping_its_history(reviewed, head, monkeypatch):
    from casework import deadlines
    from casework.services import record_history

    seen = {}

    def reopen(case, complaint, actor):
        seen["complaint"] = complaint.number
        deadlines.set_step(case, "decide again", dt.date(2026, 3, 16), 5)
        case.save()
        record_history(
            case,
            transition="reopen",
            from_state="refused",
            to_state="refused",
            actor=actor,
            reason=f"complaint {complaint.number}",
        )
        return case

    monkeypatch.setitem(reopening._REOPENERS, "caseapp.democase", reopen)
    before = history(reviewed.challenged)
    complaint = services.grant(
        reviewed, actor=Actor.clerk(head), extent=rules.FULL, corrective_action="Refusal reversed", reopen=True
    )
    assert seen["complaint"] == complaint.number
    assert complaint.corrective_number == reviewed.challenged_number and complaint.corrective_case is not None
    case_history = history(complaint.challenged)
    assert case_history[: len(before)] == before and case_history[-1] == "reopen"
    assert complaint.challenged.step_deadline == dt.date(2026, 3, 26)
    assert "corrective_action" in history(complaint)


def test_decision_letter_is_rendered_in_kazakh_and_russian_with_the_way_to_court_003_s27_s28(
    application, head, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    from casework.models import IssuedDocument

    complaint = file(application)
    with django_capture_on_commit_callbacks(execute=True):
        services.grant_by_provider(complaint, actor=Actor.clerk(head), corrective_action="Decision revised")
    letters = IssuedDocument.objects.filter(case_number=complaint.number, kind="decision")
    assert sorted(letters.values_list("language", flat=True)) == ["kk", "ru"]
    assert len({d.number for d in letters}) == 1
    ru = letters.get(language="ru")
    with ru.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert complaint.number in text and "91" in text and "суд" in text  # APPC art. 91 ¶5: the way to court (003 §28)


def test_body_helper_sanity(application):
    assert body(application)["application_number"] == application.number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forwarding_and_settling_at_the_same_moment_one_wins(application, head):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    complaint = file(application)
    barrier = threading.Barrier(2)

    def attempt(action):
        try:
            barrier.wait()
            if action == "forward":
                services.forward(complaint.pk, actor=JOB, reviewing_body="Akim's office")
            else:
                services.grant_by_provider(complaint.pk, actor=JOB, corrective_action="Revised")
            return "won"
        except ServiceError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, ["forward", "grant"]))
    assert results.count("won") == 1
    assert Complaint.objects.get(pk=complaint.pk).status in {"forwarded", "granted"}
