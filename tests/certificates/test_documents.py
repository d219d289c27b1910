"""The documents of the qualification-certificate service (003 annexes 1 and 3, the receipts, the protocol,
the motivated refusal) in Kazakh and Russian, rendered through casework.pdf and read back with pypdf."""

import datetime as dt

import pytest

from casework.models import IssuedDocument
from casework.models.issued import DocumentKind, DocumentStatus
from certificates import documents, rules, services
from certificates.models import Certificate, CertificateApplication
from tests.casework.test_pdf import pdf_text, qr_codes, stored_bytes
from tests.certificates.factories import JOB, CommissionMemberFactory, applicant_data, submit_issue

pytestmark = pytest.mark.django_db

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
APPLICANT = {"surname": "Әбдіқадыров", "given_name": "Ұлан", "patronymic": "Қайратұлы"}
FULL_NAME = "Әбдіқадыров Ұлан Қайратұлы"

# What each form must print, in each language: the form's own wording (003 and its annexes).
WORDING = {
    ("application_form", "kk"): ["ӨТІНІШ", "дербес деректерімді жинауға және өңдеуге келісім беремін"],
    ("application_form", "ru"): ["ЗАЯВЛЕНИЕ", "согласие на сбор и обработку моих персональных данных"],
    ("receipt", "kk"): ["Өтінішті қабылдау туралы қолхат", "Нәтиженің күтілетін күні"],
    ("receipt", "ru"): ["Расписка о приеме заявления", "Ожидаемая дата результата"],
    ("refusal_to_accept", "kk"): ["Құжаттарды қабылдаудан бас тарту туралы қолхат", "Жоқ құжаттар"],
    ("refusal_to_accept", "ru"): ["Расписка об отказе в приеме документов", "Отсутствующие документы"],
    ("commission_protocol", "kk"): ["хаттамасы", "Барлығы"],
    ("commission_protocol", "ru"): ["Протокол заседания Комиссии", "Итого"],
    ("certificate", "kk"): ["Өз бетінше жұмысқа орналасу үшін біліктілік сәйкестігі туралы анықтама", "М.О."],
    ("certificate", "ru"): ["Справка о соответствии квалификации для самостоятельного трудоустройства", "М.П."],
    ("refusal", "kk"): ["бас тарту туралы уәжді жауап", "Шағымдану тәртібі"],
    ("refusal", "ru"): ["Мотивированный отказ в оказании государственной услуги", "Порядок обжалования"],
}


@pytest.fixture
def members(unit):
    return [
        CommissionMemberFactory(unit=unit, is_chair=True, full_name="Сейітова Ұлжан", represents="әкімдік"),
        CommissionMemberFactory(unit=unit, full_name="Петров Пётр", represents="Атамекен"),
    ]


def submitted(unit, profession, **kwargs):
    application, _code = submit_issue(unit, profession=profession, applicant=applicant_data(**APPLICANT), **kwargs)
    return application


def assessed(unit, profession, members, *, recommendation="issue", years=5, **protocol):
    application = submitted(unit, profession, experience_years=years)
    services.register_application(application, actor=JOB)
    services.refer_to_commission(application, actor=JOB)
    services.record_protocol(
        application,
        actor=JOB,
        members_present=members,
        confirmed_education=application.declared_education_kinds(),
        confirmed_experience_years=years,
        recommendation=recommendation,
        **protocol,
    )
    return CertificateApplication.objects.get(pk=application.pk)


def issued(unit, profession, members):
    application = assessed(unit, profession, members)
    certificate = services.issue_certificate(application, actor=JOB)
    return CertificateApplication.objects.get(pk=application.pk), Certificate.objects.get(pk=certificate.pk)


def refused(unit, profession, members):
    application = assessed(
        unit,
        profession,
        members,
        recommendation="refuse",
        years=0,
        recommended_ground=rules.SCORE_BELOW_PASS_MARK,
        motivation="3 балл: алты балдан кем / 3 балла: меньше шести",
    )
    services.refuse_application(
        application, actor=JOB, ground=rules.SCORE_BELOW_PASS_MARK, motivation="Бағалау нәтижесі 3 балл"
    )
    return CertificateApplication.objects.get(pk=application.pk)


def refused_to_accept(unit, profession):
    application = submitted(unit, profession, documents=[])
    services.refuse_to_accept(application, actor=JOB)
    return CertificateApplication.objects.get(pk=application.pk)


@pytest.fixture
def case_for(clock, unit, profession, members):
    def make(kind):
        if kind in ("application_form", "receipt"):
            return submitted(unit, profession)
        if kind == "refusal_to_accept":
            return refused_to_accept(unit, profession)
        if kind == "commission_protocol":
            return assessed(unit, profession, members)
        if kind == "certificate":
            return issued(unit, profession, members)[1]
        if kind == "refusal":
            return refused(unit, profession, members)
        raise AssertionError(kind)

    return make


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(
    "kind", ["application_form", "receipt", "refusal_to_accept", "commission_protocol", "certificate", "refusal"]
)
def test_each_form_prints_its_wording_number_name_and_dates_in_kazakh_and_russian(case_for, kind, language):
    case = case_for(kind)
    [document] = documents.render_for(case, kind, [language])
    text = pdf_text(stored_bytes(document))
    flat = " ".join(text.split())
    for words in WORDING[(kind, language)]:
        assert words in flat, f"{kind}/{language}: {words!r} not printed"
    assert document.number in flat
    assert document.number.startswith("QC-")
    assert FULL_NAME in flat
    assert "19.03.2026" in flat  # received / registered / issued on the test clock's day
    if language == "kk":
        assert KAZAKH_LETTERS & set(text), "Kazakh letters must survive into the PDF text"
    assert document.holder_name == FULL_NAME


def test_receipt_prints_the_number_registration_date_and_expected_result_date_003_s5(case_for):
    application = case_for("receipt")
    [document] = documents.render_for(application, "receipt", ["ru"])
    flat = " ".join(pdf_text(stored_bytes(document)).split())
    assert application.number in flat
    assert f"{application.registered_on:%d.%m.%Y}" in flat
    assert f"{application.due_date:%d.%m.%Y}" in flat
    assert document.printed["expected_on"] == f"{application.due_date:%d.%m.%Y}"


def test_refusal_to_accept_lists_the_missing_documents_annex2_row9(case_for):
    application = case_for("refusal_to_accept")
    [document] = documents.render_for(application, "refusal_to_accept", ["ru"])
    flat = " ".join(pdf_text(stored_bytes(document)).split())
    assert application.missing_documents
    assert "удостоверяющий личность" in flat  # the identity document is among the missing


def test_refusal_to_accept_for_expired_documents_names_them_annex2_row9(clock, unit, profession):
    application = submitted(unit, profession)
    services.refuse_to_accept(application, actor=JOB, ground=rules.EXPIRED_DOCUMENTS, reason="Паспорт FA1234567")
    application = CertificateApplication.objects.get(pk=application.pk)
    [document] = documents.render_for(application, "refusal_to_accept", ["kk"])
    flat = " ".join(pdf_text(stored_bytes(document)).split())
    assert "Паспорт FA1234567" in flat
    assert "мерзімі өтіп кеткен" in flat


def test_certificate_prints_annex_3_fields_003_annex3(case_for):
    certificate = case_for("certificate")
    [document] = documents.render_for(certificate, "certificate", ["ru"])
    flat = " ".join(pdf_text(stored_bytes(document)).split())
    assert certificate.number in flat  # the certificate's own number, besides the document number
    assert f"{certificate.valid_from:%d.%m.%Y}" in flat and f"{certificate.valid_to:%d.%m.%Y}" in flat
    assert certificate.profession.name_ru in flat
    assert "Основание для выдачи справки" in flat and "протокол" in flat.lower()
    assert (document.valid_from, document.valid_to) == (certificate.valid_from, certificate.valid_to)
    assert document.printed == {"certificate_number": certificate.number, "profession": certificate.profession.name_ru}


def test_certificate_carries_a_qr_code_to_its_public_check(case_for, settings):
    certificate = case_for("certificate")
    [document] = documents.render_for(certificate, "certificate", ["kk"])
    assert qr_codes(stored_bytes(document)) == [f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{document.number}"]


def test_protocol_prints_members_criteria_points_total_and_recommendation_003_s9_s10(case_for):
    application = case_for("commission_protocol")
    [document] = documents.render_for(application, "commission_protocol", ["ru"])
    flat = " ".join(pdf_text(stored_bytes(document)).split())
    assert "Сейітова Ұлжан" in flat and "Петров Пётр" in flat
    assert "Высшее образование" in flat and "Стаж работы" in flat
    assert f"Итого {application.protocol.confirmed_points}" in flat
    assert "выдать справку" in flat.lower()


def test_refusal_prints_the_ground_of_annex2_row9_the_motivation_and_how_to_appeal_003_s24(case_for):
    application = case_for("refusal")
    [document] = documents.render_for(application, "refusal", ["ru"])
    flat = " ".join(pdf_text(stored_bytes(document)).split())
    assert "шесть баллов" in flat  # row 9 item 2
    assert "Бағалау нәтижесі 3 балл" in flat
    assert "15 (пятнадцати) рабочих дней" in flat and "в суд" in flat
    assert application.refusal_number in flat


# --- the hooks certificates.services calls after commit ---------------------------------------------------------


def kinds_of(obj) -> set[tuple[str, str]]:
    return {(d.kind, d.language) for d in IssuedDocument.objects.for_case(obj)}


def test_filing_renders_the_application_form_and_the_receipt_in_both_languages_after_commit(
    clock, unit, profession, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(unit, profession)
    assert kinds_of(application) == {(k, lang) for k in ("application_form", "receipt") for lang in ("kk", "ru")}
    assert documents.receipt_document(application, "kk").language == "kk"


def test_the_same_version_is_never_rendered_twice_by_the_hooks(
    clock, unit, profession, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(unit, profession)
    before = {(d.pk, d.file.name) for d in IssuedDocument.objects.all()}
    documents.on_application_received(application)
    documents.on_application_received(CertificateApplication.objects.get(pk=application.pk))
    assert {(d.pk, d.file.name) for d in IssuedDocument.objects.all()} == before


def test_issue_renders_the_certificate_and_revocation_makes_its_check_say_revoked_003_s21(
    clock, unit, profession, members, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application, certificate = issued(unit, profession, members)
    document = documents.result_document(application, "ru")
    assert document is not None and document.kind == DocumentKind.CERTIFICATE
    assert "verify-valid" in client.get(f"/verify/{document.number}").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_certificate(
            certificate, actor=JOB, act_number="17", act_date=dt.date(2026, 3, 18), control_body="Labour inspection"
        )
    statuses = set(IssuedDocument.objects.for_case(certificate).values_list("status", flat=True))
    assert statuses == {DocumentStatus.REVOKED}
    page = client.get(f"/verify/{document.number}").content.decode()
    assert "verify-revoked" in page and "Labour inspection" not in page


def test_expiry_of_the_certificate_expires_its_documents_003_s23(
    clock, unit, profession, members, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _application, certificate = issued(unit, profession, members)
    assert set(IssuedDocument.objects.for_case(certificate).values_list("status", flat=True)) == {"valid"}
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_certificate(certificate, actor=JOB, today=certificate.valid_to + dt.timedelta(days=1))
    assert set(IssuedDocument.objects.for_case(certificate).values_list("status", flat=True)) == {
        DocumentStatus.EXPIRED
    }


def test_a_certificate_rendered_after_it_ended_is_issued_with_that_status(clock, unit, profession, members):
    _application, certificate = issued(unit, profession, members)
    services.revoke_certificate(
        certificate, actor=JOB, act_number="9", act_date=dt.date(2026, 3, 18), control_body="Migration police"
    )
    certificate = Certificate.objects.get(pk=certificate.pk)
    kk, ru = documents.render_for(certificate, "certificate")
    assert kk.status == ru.status == DocumentStatus.REVOKED


def test_refusal_is_the_result_document_of_a_refused_application_003_s11(
    clock, unit, profession, members, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = refused(unit, profession, members)
    assert kinds_of(application) >= {("commission_protocol", "kk"), ("refusal", "kk"), ("refusal", "ru")}
    assert documents.result_document(application, "kk").kind == DocumentKind.REFUSAL


def test_a_new_version_of_the_certificate_renders_a_new_document_and_supersedes_the_old(
    clock, unit, profession, members
):
    _application, certificate = issued(unit, profession, members)
    [first] = documents.render_for(certificate, "certificate", ["ru"])
    certificate.valid_to = certificate.valid_to + dt.timedelta(days=30)  # as an extension would (test data)
    certificate.version += 1
    certificate.save()
    [second] = documents.render_for(certificate, "certificate", ["ru"])
    assert second.number != first.number and second.valid_to == certificate.valid_to
    assert IssuedDocument.objects.get(pk=first.pk).status == DocumentStatus.SUPERSEDED
    assert documents.render_for(certificate, "certificate", ["ru"])[0].pk == second.pk


def test_kazakh_and_russian_certificates_share_one_verification_number(clock, unit, profession, members):
    _application, certificate = issued(unit, profession, members)
    kk, ru = documents.render_for(certificate, "certificate")
    assert kk.number == ru.number and (kk.language, ru.language) == ("kk", "ru")
    assert kk.number.startswith("QC-C-2026-")


def open_requests(obj) -> set[tuple[str, str]]:
    from django.contrib.contenttypes.models import ContentType

    from casework.models import DocumentRenderRequest

    return set(
        DocumentRenderRequest.objects.filter(
            case_type=ContentType.objects.get_for_model(obj), case_id=obj.pk, status="pending"
        ).values_list("kind", "language")
    )


def both(kind: str) -> set[tuple[str, str]]:
    return {(kind, "kk"), (kind, "ru")}


def test_every_step_writes_its_render_requests_in_its_own_transaction(clock, unit, profession, members):
    """No on-commit callback runs in this test (the test's transaction never commits): each step's documents
    are requested by rows written with the step, which the sweep renders if the queued task is lost."""
    application, certificate = issued(unit, profession, members)
    assert open_requests(application) == both("application_form") | both("receipt") | both("commission_protocol")
    assert open_requests(certificate) == both("certificate")
    assert open_requests(refused(unit, profession, members)) >= both("refusal")
    assert open_requests(refused_to_accept(unit, profession)) >= both("refusal_to_accept")


def test_a_step_whose_render_request_fails_is_undone(clock, unit, profession, members, monkeypatch):
    application = assessed(unit, profession, members)

    def broken(*args):
        raise RuntimeError("the document was never declared")

    monkeypatch.setattr(documents, "on_issued", broken)
    with pytest.raises(RuntimeError):
        services.issue_certificate(application, actor=JOB)
    assert CertificateApplication.objects.get(pk=application.pk).status == application.status
    assert not Certificate.objects.exists()
