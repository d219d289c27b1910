"""The public web form of the qualification certificate service (003 annex 1, annex 2 rows 7–9).

Every bad input gets its own error next to its field and creates nothing; a good one gives the receipt
with the number, the registration date and the expected result date; the status is followed with the
number and the access code.
"""

import datetime as dt
import re
import string

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as DjangoClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from casework.actors import Actor
from casework.models import Attachment, Channel, Person
from certificates import rules, services
from certificates.models import CertificateApplication
from tests.factories import RegionFactory, make_identifier
from tests.public_pages import error_of
from tests.samples import EXE, PDF, png

from .factories import JOB, ProfessionFactory, issued_certificate

pytestmark = pytest.mark.django_db


def Client(**defaults):  # noqa: N802 - stands in for django.test.Client
    defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return DjangoClient(**defaults)


@pytest.fixture
def client():
    return Client()


@pytest.fixture(autouse=True)
def office():
    cache.clear()
    region = RegionFactory()
    yield region
    cache.clear()


@pytest.fixture
def profession():
    return ProfessionFactory(name_ru="учитель физики", name_kk="физика мұғалімі")


def applicant(**overrides):
    data = {
        "surname": "Karimov",
        "given_name": "Aziz",
        "patronymic": "",
        "birth_date": "1990-04-02",
        "citizenship": "UZB",
        "passport_number": "FA1234567",
        "passport_issued_on": "2020-01-10",
        "passport_issuer": "MVD of Uzbekistan",
        "iin": "",
        "address": "Aktau, 5-12",
        "phone": "+7 701 123 45 67",
        "email": "aziz@example.org",
        "residence_country_address": "Tashkent, Navoi 5, +998 71 000 00 00",
        "consent": "on",
    }
    data.update(overrides)
    return data


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def issue_data(entry, **overrides):
    data = applicant(
        profession=entry.code,
        has_higher="on",
        higher_specialty="Physics",
        higher_document_number="D-123",
        experience_years="5",
    )
    data.update(
        identity_document=pdf("passport.pdf"), education_document=pdf("diploma.pdf"), work_experience=pdf("work.pdf")
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, kind, data, **extra):
    return client.post(f"/certificates/apply/{kind}/", data, **extra)


def nothing_created():
    return not CertificateApplication.objects.exists() and not Attachment.objects.exists()


def receipt_code(client, response):
    html = client.get(response["Location"]).content.decode()
    return html, re.search(r'id="access-code-value">([^<]+)<', html).group(1)


# --- choosing the service ------------------------------------------------------------------------


def test_start_page_offers_the_certificate_service(client):
    html = client.get("/").content.decode()
    assert 'href="/certificates/apply/"' in html
    assert "Certificate of qualification compliance for self-employment (foreigners)" in html


def test_the_four_sub_services_of_annex_2_are_offered_with_their_terms(client):
    html = client.get("/certificates/apply/").content.decode()
    for kind in rules.KINDS:
        assert f'href="/certificates/apply/{kind}/"' in html
    assert "Decision within 5 working days of registration." in html  # issue, annex 2 row 3
    assert html.count("Decision within 3 working days of registration.") == 3  # extend, re-issue, duplicate


def test_an_unknown_sub_service_is_404(client):
    assert client.get("/certificates/apply/transfer/").status_code == 404


def test_the_issue_form_asks_annex_1_and_the_documents_of_annex_2_row_8(client, profession):
    html = client.get("/certificates/apply/issue/").content.decode()
    for name in (
        "surname",
        "given_name",
        "patronymic",
        "birth_date",
        "citizenship",
        "passport_number",
        "passport_issued_on",
        "passport_issuer",
        "address",
        "phone",
        "residence_country_address",
        "profession",
        "has_higher",
        "has_degree",
        "has_english_certificate",
        "experience_years",
        "identity_document",
        "education_document",
        "english_certificate",
        "work_experience",
        "consent",
    ):
        assert f'name="{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html
    assert "учитель физики" in html and "Отрасль — Деятельность" in html  # the catalogue, grouped by sector
    assert 'name="employer_name"' not in html and 'name="certificate_number"' not in html


def test_an_inactive_profession_is_not_offered(client, profession):
    ProfessionFactory(code="9.9.99", name_ru="снятая профессия", active=False)
    assert "снятая профессия" not in client.get("/certificates/apply/issue/").content.decode()


# --- issue ---------------------------------------------------------------------------------------


def test_an_issue_application_is_filed_and_the_receipt_shows_number_and_dates(client, profession):
    response = post(client, "issue", issue_data(profession))
    assert response.status_code == 302, error_summary(response)
    application = CertificateApplication.objects.get()
    assert application.channel == Channel.WEB_FORM
    assert application.kind == rules.ISSUE and application.status == "received"
    assert application.education == [{"kind": "higher", "specialty": "Physics", "document_number": "D-123"}]
    assert application.experience_years == 5 and application.proposed_points == 3 + 4
    assert sorted(application.attachments.values_list("doc_type", flat=True)) == [
        "education_document",
        "identity_document",
        "work_experience",
    ]
    assert application.personal_data_consent_at is not None
    html, code = receipt_code(client, response)
    assert application.number in html and application.number.startswith("QC-")
    assert application.registered_on.strftime("%d.%m.%Y") in html
    assert application.due_date.strftime("%d.%m.%Y") in html
    assert application.check_access_code(code)


def error_summary(response):
    return re.findall(r'class="field-error" id="(id_\w+)_error"\s*>([^<]+)<', response.content.decode())


ISSUE_REQUIRED = {
    "surname": "This field is required.",
    "birth_date": "This field is required.",
    "citizenship": "This field is required.",
    "passport_number": "This field is required.",
    "passport_issued_on": "This field is required.",
    "passport_issuer": "This field is required.",
    "address": "This field is required.",
    "phone": "This field is required.",
    "residence_country_address": "This field is required.",
    "profession": "This field is required.",
    "experience_years": "This field is required.",
    "identity_document": "Attach this document.",
    "education_document": "Attach this document.",
    "work_experience": "Attach this document.",
    "consent": "The application cannot be accepted without your consent.",
}


@pytest.mark.parametrize("field", sorted(ISSUE_REQUIRED))
def test_issue_each_missing_required_field_gets_its_own_error_and_nothing_is_created_003_annex1(
    client, profession, field
):
    data = issue_data(profession)
    data.pop(field)
    response = post(client, "issue", data)
    assert response.status_code == 200
    assert error_of(response, field) == ISSUE_REQUIRED[field]
    assert [name for name, _message in error_summary(response)] == [f"id_{field}"]
    assert nothing_created()


def test_with_only_an_english_certificate_the_certificate_replaces_the_diploma_003_annex2_row8(client, profession):
    data = issue_data(
        profession,
        has_higher=None,
        higher_specialty=None,
        higher_document_number=None,
        has_english_certificate="on",
        english_document_number="CELTA-1",
        education_document=None,
    )
    response = post(client, "issue", data)
    assert error_of(response, "english_certificate") == "Attach this document."
    assert error_of(response, "education_document") == ""
    data.update(english_certificate=pdf("celta.pdf"), identity_document=pdf(), work_experience=pdf())
    assert post(client, "issue", data).status_code == 302


def test_higher_education_declared_without_its_specialty_is_refused(client, profession):
    response = post(client, "issue", issue_data(profession, higher_specialty=""))
    assert error_of(response, "higher_specialty") == "Name the specialty."
    assert nothing_created()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("81", "Ensure this value is less than or equal to 80."),
        ("3.5", "Enter a whole number."),
    ],
)
def test_experience_must_be_whole_years_003_s10(client, profession, value, message):
    response = post(client, "issue", issue_data(profession, experience_years=value))
    assert error_of(response, "experience_years") == message
    assert nothing_created()


def test_bad_iin_gives_the_iin_error_and_nothing_is_created(client, profession):
    valid = make_identifier(900_402_300_011)
    response = post(client, "issue", issue_data(profession, iin=valid[:11] + str((int(valid[11]) + 1) % 10)))
    assert error_of(response, "iin") == "IIN: the check digit (12th digit) does not match"
    assert nothing_created()
    assert post(client, "issue", issue_data(profession, iin=valid)).status_code == 302


def test_disguised_executable_is_refused_next_to_its_field(client, profession):
    response = post(client, "issue", issue_data(profession, education_document=pdf("diploma.pdf", EXE)))
    assert "“diploma.pdf” is not a PDF, JPEG or PNG file" in error_of(response, "education_document")
    assert error_of(response, "identity_document") == "" and error_of(response, "work_experience") == ""
    assert nothing_created() and not Person.objects.exists()


def test_a_png_scan_is_accepted(client, profession):
    data = issue_data(profession, identity_document=SimpleUploadedFile("p.png", png(), "image/png"))
    assert post(client, "issue", data).status_code == 302


def test_an_unknown_profession_code_is_refused(client, profession):
    response = post(client, "issue", issue_data(profession, profession="1.1.1.1x"))
    assert "Select a valid choice." in error_of(response, "profession")
    assert nothing_created()


def test_a_profession_removed_from_the_list_after_the_page_was_loaded_is_refused_003_s8(client, profession):
    data = issue_data(profession)
    type(profession).objects.filter(pk=profession.pk).update(active=False)
    response = post(client, "issue", data)
    assert error_of(response, "profession")
    assert nothing_created()


def test_submission_is_rate_limited(client, profession, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": (2, 3600)}
    post(client, "issue", issue_data(profession, surname=""))
    post(client, "issue", issue_data(profession, surname=""))
    response = post(client, "issue", issue_data(profession))
    assert response.status_code == 429
    assert nothing_created()


# --- extend, re-issue, duplicate -----------------------------------------------------------------


@pytest.fixture
def certificate(office, profession):
    _application, certificate = issued_certificate(office, profession=profession)
    return certificate


def holder_data(certificate, **overrides):
    holder = certificate.holder
    data = applicant(
        surname=holder.surname,
        given_name=holder.given_name,
        birth_date=holder.birth_date.isoformat(),
        citizenship=holder.citizenship,
        passport_number=holder.passport_number,
        certificate_number=certificate.number,
        profession=certificate.profession.code,
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# A BIN of a resident legal entity: registered 08.2005, 5th digit 4 (the kind of entity).
BIN = make_identifier(805_400_012_3)


def extend_data(certificate, **overrides):
    today = dt.date.today()
    data = holder_data(
        certificate,
        employer_name="TOO Aktau Lyceum",
        employer_identifier=BIN,
        contract_concluded_on=today.isoformat(),
        contract_ends_on=dt.date(today.year + 2, today.month, min(today.day, 28)).isoformat(),
        labour_contract=pdf("contract.pdf"),
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_extension_is_filed_with_the_employer_and_the_contract_003_s16_s17(client, certificate):
    before = CertificateApplication.objects.count()
    response = post(client, "extend", extend_data(certificate))
    assert response.status_code == 302, error_summary(response)
    application = CertificateApplication.objects.order_by("-pk").first()
    assert CertificateApplication.objects.count() == before + 1
    assert application.kind == rules.EXTEND and application.certificate == certificate
    assert application.employer.name == "TOO Aktau Lyceum" and application.employer.bin
    assert application.contract_concluded_on == dt.date.today()
    assert list(application.attachments.values_list("doc_type", flat=True)) == ["labour_contract"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("employer_name", "This field is required."),
        ("employer_identifier", "This field is required."),
        ("contract_concluded_on", "This field is required."),
        ("contract_ends_on", "This field is required."),
        ("labour_contract", "Attach this document."),
        ("certificate_number", "This field is required."),
    ],
)
def test_extension_each_missing_field_gets_its_error_003_annex1(client, certificate, field, message):
    before = CertificateApplication.objects.count()
    data = extend_data(certificate)
    data.pop(field)
    response = post(client, "extend", data)
    assert error_of(response, field) == message
    assert CertificateApplication.objects.count() == before


def test_a_bad_employer_bin_is_refused(client, certificate):
    bad = BIN[:11] + "X"
    response = post(client, "extend", extend_data(certificate, employer_identifier=bad))
    assert error_of(response, "employer_identifier") == "BIN / IIN: must be exactly 12 digits"


def test_the_services_refusal_is_shown_next_to_the_certificate_number_and_nothing_is_created(client, certificate):
    before = CertificateApplication.objects.count()
    response = post(client, "extend", extend_data(certificate, certificate_number="QCC-1999-000001"))
    assert error_of(response, "certificate_number") == "No such certificate."
    response = post(client, "extend", extend_data(certificate, birth_date="1985-01-01"))
    assert "not transferable (003 §14)" in error_of(response, "certificate_number")
    assert CertificateApplication.objects.count() == before


def test_a_contract_ending_within_the_certificates_term_is_refused_next_to_its_end_date_003_s16(client, certificate):
    before = CertificateApplication.objects.count()
    response = post(client, "extend", extend_data(certificate, contract_ends_on=certificate.valid_to.isoformat()))
    assert "nothing to extend (003 §16)" in error_of(response, "contract_ends_on")
    assert CertificateApplication.objects.count() == before


def test_a_contract_ending_before_it_begins_is_refused(client, certificate):
    response = post(client, "extend", extend_data(certificate, contract_ends_on="2000-01-01"))
    assert error_of(response, "contract_ends_on") == "The contract cannot end before it begins."


def test_reissue_for_a_new_employer_needs_the_employer_and_the_contract_003_s19_s22(client, certificate):
    before = CertificateApplication.objects.count()
    data = holder_data(certificate, reissue_reason=rules.EMPLOYER_CHANGE, event_date=dt.date.today().isoformat())
    response = post(client, "reissue", data)
    assert error_of(response, "employer_name") == "This field is required."
    assert error_of(response, "labour_contract") == "Attach this document."
    assert CertificateApplication.objects.count() == before
    data.update(
        employer_name="TOO New", employer_identifier=make_identifier(805_400_045_6), labour_contract=pdf("contract.pdf")
    )
    response = post(client, "reissue", data)
    assert response.status_code == 302, error_summary(response)
    application = CertificateApplication.objects.order_by("-pk").first()
    assert application.reissue_reason == rules.EMPLOYER_CHANGE and application.employer.name == "TOO New"


def test_reissue_for_a_changed_name_needs_the_new_identity_document_003_s22(client, certificate):
    data = holder_data(
        certificate,
        surname="Karimova",
        passport_number="FB7654321",
        reissue_reason=rules.IDENTITY_CHANGE,
        event_date=dt.date.today().isoformat(),
    )
    response = post(client, "reissue", data)
    assert error_of(response, "changed_identity_document") == "Attach this document."
    data["changed_identity_document"] = pdf("new-passport.pdf")
    response = post(client, "reissue", data)
    assert response.status_code == 302, error_summary(response)
    assert CertificateApplication.objects.order_by("-pk").first().applicant.surname == "Karimova"


def test_a_duplicate_is_filed_with_the_date_of_the_loss_003_s22_1(client, certificate):
    data = holder_data(
        certificate,
        event_date=dt.date.today().isoformat(),
        identity_document=pdf("p.pdf"),
        work_experience=pdf("w.pdf"),
    )
    response = post(client, "duplicate", data)
    assert response.status_code == 302, error_summary(response)
    application = CertificateApplication.objects.order_by("-pk").first()
    assert application.kind == rules.DUPLICATE and application.event_date == dt.date.today()
    assert application.late_filing is False


def test_a_loss_date_in_the_future_is_refused(client, certificate):
    data = holder_data(
        certificate, event_date="2999-01-01", identity_document=pdf("p.pdf"), work_experience=pdf("w.pdf")
    )
    assert error_of(post(client, "duplicate", data), "event_date") == "This date cannot be in the future."


# --- tracking ------------------------------------------------------------------------------------


def test_tracking_shows_the_status_and_its_history_after_registration_003_s5(client, profession):
    response = post(client, "issue", issue_data(profession))
    _html, code = receipt_code(client, response)
    application = CertificateApplication.objects.get()
    services.register_application(application, actor=JOB, reason="Documents complete")
    other = Client()
    found = other.post("/track/", {"number": application.number, "access_code": code})
    assert found.status_code == 302
    html = other.get(found["Location"]).content.decode()
    assert 'data-status="registered"' in html
    assert "Documents complete" in html
    assert application.due_date.strftime("%d.%m.%Y") in html
    assert application.number not in found["Location"]


def test_wrong_code_and_unknown_number_give_the_same_message(client, profession):
    post(client, "issue", issue_data(profession))
    application = CertificateApplication.objects.get()
    wrong = Client().post("/track/", {"number": application.number, "access_code": "not-the-code"})
    unknown = Client().post("/track/", {"number": "QC-2000-000001", "access_code": "not-the-code"})
    pattern = r'id="error-summary"[^>]*>(.*?)</div>'
    assert re.search(pattern, wrong.content.decode(), re.S).group(1) == re.search(
        pattern, unknown.content.decode(), re.S
    ).group(1)


def test_the_receipt_and_the_issued_certificate_are_downloadable_once_rendered(
    client, profession, office, django_capture_on_commit_callbacks
):
    from tests.certificates.factories import CommissionMemberFactory

    try:
        from certificates import documents  # noqa: F401
    except ImportError:
        pytest.skip("certificates/documents.py has not landed: no PDF to download yet")
    with django_capture_on_commit_callbacks(execute=True):  # the documents are rendered after commit
        response = post(client, "issue", issue_data(profession))
    html, code = receipt_code(client, response)
    receipt_url = re.search(r'id="receipt-pdf" href="([^"]+)"', html).group(1)
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    application = CertificateApplication.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_application(application, actor=JOB)
        services.refer_to_commission(application, actor=JOB)
        services.record_protocol(
            application,
            actor=JOB,
            members_present=[CommissionMemberFactory(unit=office)],
            confirmed_education=["higher"],
            confirmed_experience_years=5,
            recommendation="issue",
        )
        services.issue_certificate(application, actor=JOB)
    found = client.post("/track/", {"number": application.number, "access_code": code})
    html = client.get(found["Location"]).content.decode()
    assert 'data-status="issued"' in html
    result_url = re.search(r'id="download-result" href="([^"]+)"', html).group(1)
    download = client.get(result_url)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    assert Client().get(result_url).status_code == 404
    assert Client().get(receipt_url).status_code == 404


# --- languages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("kk", ["Анықтама беру", "Тегі", "физика мұғалімі", "Жұмыс өтілі"]),
        ("ru", ["Выдача справки", "Фамилия", "учитель физики", "Стаж работы"]),
    ],
)
def test_the_form_speaks_kazakh_and_russian(client, profession, language, texts):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/certificates/apply/issue/").content.decode()
    for text in texts:
        assert text in html, text


# --- random input --------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
FIELDS = {
    "surname": st.one_of(TEXT, st.just("Karimov")),
    "birth_date": st.one_of(TEXT, st.dates().map(str)),
    "citizenship": st.one_of(TEXT, st.sampled_from(["UZB", "XXA", "RUS"])),
    "passport_number": st.one_of(TEXT, st.text(alphabet=string.ascii_uppercase + string.digits, max_size=32)),
    "iin": st.one_of(st.just(""), st.text(alphabet=string.digits, min_size=12, max_size=12), TEXT),
    "phone": TEXT,
    "profession": st.one_of(TEXT, st.just("9.9.0")),
    "has_higher": st.sampled_from(["on", ""]),
    "higher_specialty": TEXT,
    "has_degree": st.sampled_from(["on", ""]),
    "has_english_certificate": st.sampled_from(["on", ""]),
    "experience_years": st.one_of(TEXT, st.integers(-5, 100).map(str)),
    "consent": st.sampled_from(["on", ""]),
}


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(overrides=st.fixed_dictionaries({}, optional=FIELDS), drop_upload=st.booleans(), exe=st.booleans())
def test_random_input_never_breaks_the_form_and_invalid_input_creates_nothing(
    profession, settings, overrides, drop_upload, exe
):
    settings.PUBLIC_RATE_LIMITS = {"submit": (10**6, 3600)}
    data = issue_data(profession, **overrides)
    if drop_upload:
        data.pop("work_experience")
    if exe:
        data["identity_document"] = pdf("p.pdf", EXE)
    before = (CertificateApplication.objects.count(), Attachment.objects.count())
    response = post(Client(), "issue", data)
    assert response.status_code in (200, 302)
    after = (CertificateApplication.objects.count(), Attachment.objects.count())
    if response.status_code == 200:
        assert after == before
    else:
        assert after[0] == before[0] + 1


def test_the_applicant_actor_and_channel_are_recorded_in_the_history(client, profession):
    post(client, "issue", issue_data(profession))
    application = CertificateApplication.objects.get()
    entry = application.history.get()
    assert entry.actor_label == Actor.applicant().label
    assert entry.details["channel"] == Channel.WEB_FORM
