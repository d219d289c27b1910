import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from casework.actors import Actor
from casework.exceptions import NotAllowedInState, NotPermitted, RuleViolation
from casework.models import Channel, TransitionLog
from casework.models.issued import DocumentKind
from casework.pdf import latest_document
from jobseekers import rules, services
from jobseekers.models import REFUSE, REGISTER, JobSeekerRegistration, StepTiming, UnemployedRegistration
from tests.factories import make_identifier

from .conftest import citizen

JS = JobSeekerRegistration
UE = UnemployedRegistration


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def timings(case) -> dict[str, StepTiming]:
    return {t.step: t for t in case.step_timings.all()}


# --- Registration of job seekers (002-1) ------------------------------------------------------------------


@pytest.mark.django_db
def test_job_seeker_registered_same_day_in_four_timed_steps_002_1_s5(
    clock, register_js, specialist, head, django_capture_on_commit_callbacks
):
    clock.set(2026, 3, 19, 10, 0)
    case = register_js()
    assert case.number.startswith("JS-2026-") and case.status == JS.Status.RECEIVED
    assert case.registered_on == case.due_date == dt.date(2026, 3, 19)  # same day (DOMAIN.md §7)
    assert case.step_name == rules.JS_ENTER_DATA and case.step_deadline == dt.date(2026, 3, 19)

    clerk, boss = Actor.clerk(specialist), Actor.clerk(head)
    clock.advance(minutes=20)
    services.advance(JS, case.pk, "enter_data", actor=clerk)
    clock.advance(minutes=4)
    services.prepare_notice(case.pk, decision=REGISTER, actor=clerk)
    clock.advance(minutes=12)  # the head takes 12 minutes: 2 over the norm of 10 (002-1 §5(3))
    with django_capture_on_commit_callbacks(execute=True):
        services.advance(JS, case.pk, "sign_notice", actor=boss)
    clock.advance(minutes=6)
    case = services.advance(JS, case.pk, "hand_over", actor=clerk)

    assert case.status == JS.Status.REGISTERED and case.registered_from == dt.date(2026, 3, 19)
    assert case.step_name == "" and case.step_deadline is None
    steps = timings(case)
    assert [
        (s, steps[s].duration_seconds // 60, steps[s].norm_amount, steps[s].over_norm)
        for s in (rules.JS_ENTER_DATA, rules.JS_PREPARE_NOTICE, rules.JS_SIGN_NOTICE, rules.JS_HAND_OVER)
    ] == [
        ("enter_data", 20, 25, False),
        ("prepare_notice", 4, 5, False),
        ("sign_notice", 12, 10, True),
        ("hand_over", 6, 10, False),
    ]
    assert list(TransitionLog.objects.filter(case_number=case.number).values_list("transition", flat=True)) == [
        "receive",
        "enter_data",
        "prepare_notice",
        "sign_notice",
        "hand_over",
    ]

    kk, ru = (latest_document(case, DocumentKind.NOTICE, lang) for lang in ("kk", "ru"))
    assert kk and ru and kk.number == ru.number
    text = pdf_text(ru)
    assert case.applicant.iin in text and case.number in text and "19.03.2026" in text
    assert "Уведомление о регистрации" in text and "Приложение 1" in text
    assert "тіркеу туралы хабарлама" in pdf_text(kk)


@pytest.mark.django_db
def test_job_seeker_refused_with_ground_gets_refusal_notice_annex_2_002_1_s3(
    clock, register_js, specialist, head, django_capture_on_commit_callbacks
):
    case = register_js()
    clerk = Actor.clerk(specialist)
    services.advance(JS, case.pk, "enter_data", actor=clerk)
    services.prepare_notice(case.pk, decision=REFUSE, refusal_ground="unreliable_data", actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.advance(JS, case.pk, "sign_notice", actor=Actor.clerk(head))
    case = services.advance(JS, case.pk, "hand_over", actor=clerk)
    assert case.status == JS.Status.REFUSED and case.registered_from is None
    document = latest_document(case, DocumentKind.REFUSAL, "kk")
    assert document is not None and latest_document(case, DocumentKind.NOTICE, "kk") is None
    text = pdf_text(document)
    assert case.number in text and "анық еместігі" in text  # the ground, in Kazakh


@pytest.mark.django_db
def test_refusal_without_ground_is_refused_002_1_s3(register_js, specialist):
    case = register_js()
    services.advance(JS, case.pk, "enter_data", actor=Actor.clerk(specialist))
    with pytest.raises(RuleViolation) as exc:
        services.prepare_notice(case.pk, decision=REFUSE, actor=Actor.clerk(specialist))
    assert exc.value.code == "refusal_ground_required"
    assert JS.objects.get(pk=case.pk).status == JS.Status.DATA_ENTERED


@pytest.mark.django_db
def test_only_the_head_signs_the_notice_002_1_s5_3(register_js, specialist):
    case = register_js()
    clerk = Actor.clerk(specialist)
    services.advance(JS, case.pk, "enter_data", actor=clerk)
    services.prepare_notice(case.pk, decision=REGISTER, actor=clerk)
    with pytest.raises(NotPermitted):
        services.advance(JS, case.pk, "sign_notice", actor=clerk)


@pytest.mark.django_db
def test_portal_application_at_night_starts_the_clock_at_opening_of_registration_day(clock, register_js):
    clock.set(2026, 3, 20, 23, 10)  # Friday night, then Nauryz: registered on Thursday 26.03
    case = register_js(channel=Channel.PORTAL, received_at=clock.at)
    assert case.registered_on == dt.date(2026, 3, 26)
    first = timings(case)[rules.JS_ENTER_DATA]
    assert first.started_at.astimezone(clock.at.tzinfo).replace(tzinfo=None) == dt.datetime(2026, 3, 26, 9, 0)


# --- Step norms report --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_lists_only_steps_over_the_norm_finished_and_running_002_1_s5(clock, register_js, specialist):
    clock.set(2026, 3, 19, 10, 0)
    quick = register_js()
    slow = register_js()
    clerk = Actor.clerk(specialist)
    clock.advance(minutes=10)
    services.advance(JS, quick.pk, "enter_data", actor=clerk)  # 10 of 25 minutes
    clock.advance(minutes=30)
    services.advance(JS, slow.pk, "enter_data", actor=clerk)  # 40 of 25 minutes
    clock.advance(minutes=7)  # quick's "prepare notice" has run 37 min (norm 5), slow's 7 min (norm 5)
    report = list(services.steps_over_norm(since=dt.date(2026, 3, 19), until=dt.date(2026, 3, 19)))
    listed = {(t.case_number, t.step) for t in report}
    assert listed == {
        (slow.number, rules.JS_ENTER_DATA),
        (quick.number, rules.JS_PREPARE_NOTICE),
        (slow.number, rules.JS_PREPARE_NOTICE),
    }
    assert not services.steps_over_norm(since=dt.date(2026, 3, 20))
    late = next(t for t in report if t.step == rules.JS_ENTER_DATA)
    assert late.display() == "40/25 min"


@pytest.mark.django_db
def test_report_is_scoped_to_the_clerks_unit(clock, register_js, specialist):
    from tests.factories import ClerkFactory

    register_js()
    clock.advance(minutes=60)
    assert services.steps_over_norm(user=specialist).count() == 1
    assert services.steps_over_norm(user=ClerkFactory(roles=["officer"])).count() == 0


# --- Registration as unemployed (002-2) -------------------------------------------------------------------


@pytest.mark.django_db
def test_unemployed_department_decides_in_2_wd_across_nauryz_and_centre_informs_in_1_wd_002_2_s5(
    clock, register_ue, specialist, head, memory_notifications, django_capture_on_commit_callbacks
):
    clock.set(2026, 3, 19, 11, 0)  # Thursday; 21–25.03.2026 are Nauryz days off
    case = register_ue(applicant_data=citizen(phone="+77017770000"))
    assert case.number.startswith("UE-2026-") and case.due_date == dt.date(2026, 3, 27)  # 3 WD: 20, 26, 27
    clerk = Actor.clerk(specialist)
    clock.advance(minutes=14)
    services.advance(UE, case.pk, "enter_data", actor=clerk)
    clock.advance(minutes=3)  # over the 2-minute norm (002-2 §5(2))
    case = services.advance(UE, case.pk, "forward", actor=clerk)
    assert case.step_name == rules.UE_DECIDE and case.step_deadline == dt.date(2026, 3, 26)  # 20.03 and 26.03
    assert "Наурыз" in case.deadline_explanation or "Nauryz" in case.deadline_explanation

    clock.set(2026, 3, 26, 16, 0)  # the last day of the department's term
    case = services.decide(case.pk, decision=REGISTER, actor=Actor.clerk(head))
    assert case.registered_from == dt.date(2026, 3, 19) and case.step_deadline == dt.date(2026, 3, 27)

    clock.set(2026, 3, 27, 9, 30)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.advance(UE, case.pk, "inform", actor=clerk)
    assert case.status == UE.Status.REGISTERED
    steps = timings(case)
    assert [steps[s].over_norm for s in ("enter_data", "forward", "decide", "inform")] == [False, True, False, False]
    assert steps["decide"].deadline == dt.date(2026, 3, 26)

    [message] = memory_notifications
    assert message.channel == "sms" and message.to == "+77017770000" and "19.03.2026" in message.body
    assert UE.objects.get(pk=case.pk).notification_reference == "memory-1"
    services.send_decision_notification(case.pk)  # a retried task sends nothing twice
    assert len(memory_notifications) == 1
    assert case.number in pdf_text(latest_document(case, DocumentKind.NOTICE, "kk"))


@pytest.mark.django_db
def test_decision_after_2_wd_is_recorded_as_over_the_norm_002_2_s5_3(clock, register_ue, specialist, head):
    clock.set(2026, 3, 19, 11, 0)
    case = register_ue()
    clerk = Actor.clerk(specialist)
    services.advance(UE, case.pk, "enter_data", actor=clerk)
    services.advance(UE, case.pk, "forward", actor=clerk)
    clock.set(2026, 3, 27, 10, 0)  # one working day late
    case = services.decide(case.pk, decision=REGISTER, actor=Actor.clerk(head))
    assert timings(case)["decide"].over_norm
    log = TransitionLog.objects.filter(case_number=case.number, transition="decide").get()
    assert log.deadline_breached and log.deadline == dt.date(2026, 3, 26)


@pytest.mark.django_db
def test_unemployed_refusal_informs_by_email_with_annex_10_002_2_s3(
    clock, register_ue, specialist, head, memory_notifications, django_capture_on_commit_callbacks
):
    case = register_ue(applicant_data=citizen(email="aigerim@example.kz"), notify_by=rules.EMAIL)
    clerk = Actor.clerk(specialist)
    services.advance(UE, case.pk, "enter_data", actor=clerk)
    services.advance(UE, case.pk, "forward", actor=clerk)
    services.decide(case.pk, decision=REFUSE, refusal_ground="employed", actor=Actor.clerk(head))
    with django_capture_on_commit_callbacks(execute=True):
        case = services.advance(UE, case.pk, "inform", actor=clerk)
    assert case.status == UE.Status.REFUSED
    [message] = memory_notifications
    assert message.channel == "email" and message.to == "aigerim@example.kz"
    document = latest_document(case, DocumentKind.REFUSAL, "ru")
    text = pdf_text(document)
    assert case.number in text and "Приложение 10" in text and "трудовой доход" in text


@pytest.mark.django_db
def test_unemployed_sms_needs_a_phone_002_2_s3(register_ue):
    with pytest.raises(services.InvalidApplicant) as exc:
        register_ue(applicant_data=citizen(phone=""), notify_by=rules.SMS)
    assert exc.value.invalid_params[0]["name"] == "applicant.phone"
    assert not UE.objects.exists()


# --- One open registration a person ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_cannot_be_registered_twice_at_once(register_js, specialist):
    person = citizen()
    first = register_js(applicant_data=person)
    with pytest.raises(RuleViolation) as exc:
        register_js(applicant_data={**person, "passport_number": "N99999999"})
    assert exc.value.code == "already_registered" and first.number in str(exc.value.detail)
    assert JS.objects.count() == 1


@pytest.mark.django_db
def test_foreigner_without_iin_is_matched_by_passport(register_js):
    person = citizen(citizenship="RUS", iin="", passport_number="75 1234567")
    register_js(applicant_data=person, residency=rules.PERMANENT_RESIDENT, residence_document_number="RP123")
    with pytest.raises(RuleViolation):
        register_js(
            applicant_data={**person, "passport_number": "751234567"},
            residency=rules.PERMANENT_RESIDENT,
            residence_document_number="RP123",
        )


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_registration_even_past_the_service(register_js):
    first = register_js()
    twin = JS.objects.get(pk=first.pk)
    twin.pk, twin.number = None, "JS-2026-999999"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
def test_ended_registration_frees_the_person_to_register_again_with_reason(register_js, specialist, head):
    person = citizen()
    case = register_js(applicant_data=person)
    clerk = Actor.clerk(specialist)
    for name, kwargs in (("enter_data", {}), ("prepare_notice", {"decision": REGISTER})):
        services.advance(JS, case.pk, name, actor=clerk, **kwargs)
    services.advance(JS, case.pk, "sign_notice", actor=Actor.clerk(head))
    services.advance(JS, case.pk, "hand_over", actor=clerk)
    with pytest.raises(RuleViolation) as exc:
        services.end_registration(JS, case.pk, end_reason="", actor=clerk)
    assert exc.value.code == "end_reason_required"
    ended = services.end_registration(
        JS, case.pk, end_reason=rules.EMPLOYMENT_FOUND, reason="TOO Alma hired", actor=clerk
    )
    assert ended.status == JS.Status.ENDED and ended.end_reason == "employment_found"
    log = TransitionLog.objects.get(case_number=case.number, transition="end_registration")
    assert log.reason == "TOO Alma hired"
    assert register_js(applicant_data=person).status == JS.Status.RECEIVED


@pytest.mark.django_db
def test_ending_is_only_for_a_registered_person(register_js):
    case = register_js()
    with pytest.raises(NotAllowedInState):
        services.end_registration(JS, case.pk, end_reason=rules.OWN_REQUEST, actor=Actor.job("test"))


@pytest.mark.django_db
def test_job_seeker_and_unemployed_registrations_are_separate(register_js, register_ue):
    person = citizen()
    register_js(applicant_data=person)
    assert register_ue(applicant_data=person).status == UE.Status.RECEIVED


@pytest.mark.django_db
def test_bad_iin_is_refused_naming_the_field(register_js):
    iin = make_identifier(123456789)
    bad = iin[:11] + str((int(iin[11]) + 1) % 10)
    with pytest.raises(services.InvalidApplicant) as exc:
        register_js(applicant_data=citizen(iin=bad))
    assert exc.value.invalid_params == [
        {"name": "applicant.iin", "code": "invalid_checksum", "reason": exc.value.invalid_params[0]["reason"]}
    ]
    with pytest.raises(services.InvalidApplicant) as exc:
        register_js(applicant_data=citizen(iin=""))
    assert exc.value.invalid_params[0] == {
        "name": "applicant.iin",
        "code": "required",
        "reason": exc.value.invalid_params[0]["reason"],
    }
    assert not JS.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_of_one_person_one_succeeds(unit):
    person = citizen()
    barrier = threading.Barrier(2)

    def attempt(passport):
        try:
            barrier.wait()
            services.register_job_seeker(
                applicant={**person, "passport_number": passport},
                residency=rules.CITIZEN,
                unit=unit,
                channel=Channel.PORTAL,
                actor=Actor.job("race"),
            )
            return "registered"
        except RuleViolation as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(attempt, ["N1", "N2"]))
    assert results == ["already_registered", "registered"]
    assert JS.objects.filter(applicant_iin=person["iin"]).count() == 1
