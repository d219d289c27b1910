"""The public web forms of the labour-immigrant permit service (004 annex 1, annex 2 row 8, annex 6).

Every bad input gets its error next to its field and creates nothing; a rule of the act refusing the
request (permits.services) is shown next to the field it concerns; a good application gives the receipt
with the number and the expected result date and is followed with the number and the access code.
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as DjangoClient
from django.utils import timezone

from casework.actors import Actor
from casework.models import Attachment, Channel, Person
from permits import rules
from permits.models import (
    ApplicationStatus,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    PermitStatus,
    Quota,
    TerminationNotice,
)
from tests.factories import DistrictFactory
from tests.public_pages import error_of, errors, receipt, summary
from tests.samples import EXE, PDF, png

from .conftest import EMPLOYER_IIN, OTHER_IIN, move_validity

pytestmark = pytest.mark.django_db

Application = LabourImmigrantPermitApplication


def Client(**defaults):  # noqa: N802 - stands in for django.test.Client
    defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return DjangoClient(**defaults)


@pytest.fixture
def client():
    return Client()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def iso(day: dt.date) -> str:
    return day.isoformat()


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def immigrant_fields(**overrides):
    data = {
        "surname": "Karimov",
        "given_name": "Aziz",
        "patronymic": "",
        "birth_date": "1990-04-02",
        "place_of_birth": "Samarkand",
        "citizenship": "UZB",
        "passport_number": "FA1234567",
        "passport_issued_on": "2020-01-10",
        "passport_issuer": "MVD of Uzbekistan",
        "iin": "",
        "address": "Aktau, 5-12-3",
        "phone": "+998 90 123 45 67",
        "email": "",
        "residence_country_address": "Uzbekistan, Tashkent, Navoi 5",
        "family_composition": "single, no children",
        "consent": "on",
    }
    data.update(overrides)
    return data


def employer_fields(unit, **overrides):
    data = {
        "employer_name": "Seitkali Aigerim",
        "employer_iin": EMPLOYER_IIN,
        "employer_address": "Aktau, 14-5-2",
        "employer_phone": "+7 701 123 45 67",
        "property_address": "Aktau, 14-5-2",
        "property_unit": unit.code,
        "employer_consent": "on",
    }
    data.update(overrides)
    return data


def documents(kind):
    return {
        alternatives[0]: pdf(f"{alternatives[0]}.pdf") for alternatives in rules.required_documents(kind, "web_form")
    }


def issue_data(unit, **overrides):
    today = timezone.localdate()
    data = {
        **immigrant_fields(),
        **employer_fields(unit),
        "unit": unit.code,
        "term_months": "6",
        "intention_agreement_number": "",
        "previous_permit_number": "",
        "medical_certificate_issued_on": iso(rules.add_months(today, -1)),
        "border_crossed_on": iso(rules.add_months(today, -2)),
        "insurance_valid_until": iso(rules.add_months(today, 30)),
        **documents(rules.ISSUE),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def extend_data(unit, permit, **overrides):
    today = timezone.localdate()
    data = {
        **immigrant_fields(),
        **employer_fields(unit),
        "unit": unit.code,
        "permit_number": permit.number,
        "term_months": "6",
        "border_crossed_on": iso(rules.add_months(today, -2)),
        "insurance_valid_until": iso(rules.add_months(today, 30)),
        **documents(rules.EXTEND),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, kind, data, **extra):
    return client.post(f"/permits/apply/{kind}/", data, **extra)


def nothing_created():
    return not Application.objects.exists() and not Attachment.objects.exists()


# --- the start page and the choice of the kind ------------------------------------------------------------


def test_start_page_offers_the_permit_and_the_termination_notice(client):
    html = client.get("/").content.decode()
    assert 'href="/permits/apply/"' in html
    assert "Permit to a labour immigrant (household work)" in html
    assert 'href="/permits/termination/"' in html


def test_the_three_kinds_are_offered_with_their_terms_004_s7_s27(client):
    html = client.get("/permits/apply/").content.decode()
    for kind in rules.KINDS:
        assert f'href="/permits/apply/{kind}/"' in html
    assert html.count("Decision within 2 working days, not counting the day of application.") == 2
    assert "Issued on the day of the request." in html


def test_an_unknown_kind_is_404(client):
    assert client.get("/permits/apply/transfer/").status_code == 404


def test_the_issue_form_asks_annex_1_and_the_documents_of_annex_2_row_8_1_b(client, unit):
    html = client.get("/permits/apply/issue/").content.decode()
    annex_1 = [
        "unit",
        "surname",
        "given_name",
        "patronymic",
        "birth_date",
        "place_of_birth",
        "citizenship",
        "passport_number",
        "iin",
        "address",
        "residence_country_address",
        "family_composition",
        "term_months",
        "employer_name",
        "employer_iin",
        "employer_address",
        "property_address",
        "property_unit",
        "consent",
        "employer_consent",
    ]
    row_8_1_b = [
        "iit_advance_receipt",
        "passport_with_border_mark",
        "medical_certificate_028",
        "medical_insurance",
        "intention_agreement",
    ]
    for name in annex_1 + row_8_1_b + ["medical_certificate_issued_on", "border_crossed_on", "insurance_valid_until"]:
        assert f'name="{name}"' in html, name
    assert f'value="{unit.code}"' in html  # the district is offered
    assert 'enctype="multipart/form-data"' in html
    assert 'name="permit_number"' not in html and 'name="labour_contract"' not in html


def test_the_extension_form_asks_the_documents_of_annex_2_row_8_2_b_without_the_028_certificate(client, unit):
    html = client.get("/permits/apply/extend/").content.decode()
    for name in ("permit_number", "term_months", "labour_contract", "passport_notarised_copy", "medical_insurance"):
        assert f'name="{name}"' in html, name
    assert 'name="medical_certificate_028"' not in html and 'name="intention_agreement"' not in html
    assert 'name="medical_certificate_issued_on"' not in html


def test_the_duplicate_form_asks_only_the_permit_and_an_optional_scan_004_s27(client, unit):
    html = client.get("/permits/apply/duplicate/").content.decode()
    assert 'name="permit_number"' in html and 'name="damaged_permit"' in html
    for name in ("term_months", "iit_advance_receipt", "property_unit", "employer_consent"):
        assert f'name="{name}"' not in html, name


# --- issue ---------------------------------------------------------------------------------------------


def test_an_issue_application_is_filed_and_the_receipt_shows_number_and_expected_result_date_004_s7(
    client, unit, quota
):
    response = post(client, "issue", issue_data(unit))
    assert response.status_code == 302, errors(response) or summary(response)
    app = Application.objects.get()
    assert app.channel == Channel.WEB_FORM and app.kind == rules.ISSUE
    assert app.status == ApplicationStatus.UNDER_POLICE_CHECK  # complete: straight to the police check (004 §16)
    assert app.term_months == 6 and app.unit == unit and app.property_unit == unit
    assert app.place_of_birth == "Samarkand" and app.family_composition == "single, no children"
    assert app.employer.iin == EMPLOYER_IIN and app.employer.name == "Seitkali Aigerim"
    assert sorted(app.attachments.values_list("doc_type", flat=True)) == sorted(
        alternatives[0] for alternatives in rules.required_documents(rules.ISSUE, "web_form")
    )
    html, code = receipt(client, response)
    assert app.number in html and app.number.startswith("LIP-")
    assert app.registered_on.strftime("%d.%m.%Y") in html
    assert re.search(rf'id="receipt-due">{app.due_date:%d.%m.%Y}<', html)
    assert app.check_access_code(code)
    assert app.number not in response["Location"]


def test_the_applicant_and_the_channel_are_recorded_in_the_history(client, unit, quota):
    post(client, "issue", issue_data(unit))
    entry = Application.objects.get().history.order_by("at", "id").first()
    assert entry.actor_label == Actor.applicant().label


ISSUE_REQUIRED = {
    "unit": "This field is required.",
    "surname": "This field is required.",
    "given_name": "This field is required.",
    "birth_date": "This field is required.",
    "place_of_birth": "This field is required.",
    "citizenship": "This field is required.",
    "passport_number": "This field is required.",
    "passport_issued_on": "This field is required.",
    "passport_issuer": "This field is required.",
    "address": "This field is required.",
    "phone": "This field is required.",
    "residence_country_address": "This field is required.",
    "family_composition": "This field is required.",
    "term_months": "This field is required.",
    "medical_certificate_issued_on": "This field is required.",
    "border_crossed_on": "This field is required.",
    "insurance_valid_until": "This field is required.",
    "employer_name": "This field is required.",
    "employer_iin": "This field is required.",
    "employer_address": "This field is required.",
    "employer_phone": "This field is required.",
    "property_address": "This field is required.",
    "property_unit": "This field is required.",
    "iit_advance_receipt": "Attach this document.",
    "passport_with_border_mark": "Attach this document.",
    "medical_certificate_028": "Attach this document.",
    "medical_insurance": "Attach this document.",
    "intention_agreement": "Attach this document.",
    "consent": "The application cannot be accepted without your consent.",
    "employer_consent": "The application needs the employer's consent (annex 1).",
}


@pytest.mark.parametrize("field", sorted(ISSUE_REQUIRED))
def test_issue_each_missing_required_field_gets_its_own_error_and_nothing_is_created_004_annex1_annex2_row8(
    client, unit, quota, field
):
    data = issue_data(unit)
    data.pop(field)
    response = post(client, "issue", data)
    assert response.status_code == 200
    assert error_of(response, field) == ISSUE_REQUIRED[field]
    assert list(errors(response)) == [field]
    assert nothing_created()


@pytest.mark.parametrize("field", ["iin", "employer_iin"])
def test_a_bad_iin_is_refused_next_to_its_field_and_nothing_is_created(client, unit, quota, field):
    response = post(client, "issue", issue_data(unit, **{field: "123456789012"}))
    assert error_of(response, field) == "IIN: the check digit (12th digit) does not match"
    assert list(errors(response)) == [field]
    assert nothing_created()


def test_a_disguised_executable_is_refused_next_to_its_field(client, unit, quota):
    response = post(client, "issue", issue_data(unit, medical_insurance=pdf("insurance.pdf", EXE)))
    assert response.status_code == 200
    assert list(errors(response)) == ["medical_insurance"]
    assert "PDF" in error_of(response, "medical_insurance")
    assert nothing_created()


def test_a_png_scan_is_accepted(client, unit, quota):
    upload = SimpleUploadedFile("receipt.png", png(), "image/png")
    assert post(client, "issue", issue_data(unit, iit_advance_receipt=upload)).status_code == 302


@pytest.mark.parametrize("months", ["0", "13"])
def test_a_term_outside_1_to_12_months_is_refused_next_to_the_term_004_s19(client, unit, quota, months):
    response = post(client, "issue", issue_data(unit, term_months=months))
    assert list(errors(response)) == ["term_months"]
    assert f"A permit is issued for 1 to 12 months (004 §19); {months} months were asked." == error_of(
        response, "term_months"
    )
    assert nothing_created()


def test_quota_exhausted_is_shown_next_to_the_body_and_nothing_is_created_004_s20(client, unit, make_quota):
    make_quota(unit, total=0)
    response = post(client, "issue", issue_data(unit))
    assert list(errors(response)) == ["unit"]
    assert "is used up (004 §20)" in error_of(response, "unit")
    assert "is used up (004 §20)" in summary(response)
    assert nothing_created()


def test_a_district_without_a_quota_is_refused_004_s20(client, unit):
    response = post(client, "issue", issue_data(unit))
    assert "No quota is allocated" in error_of(response, "unit")
    assert nothing_created()


def test_real_estate_outside_the_district_is_refused_next_to_its_district_004_s23(client, unit, quota):
    elsewhere = DistrictFactory()
    response = post(client, "issue", issue_data(unit, property_unit=elsewhere.code))
    assert list(errors(response)) == ["property_unit"]
    assert "(004 §23)" in error_of(response, "property_unit")
    assert nothing_created()


def test_a_medical_certificate_older_than_12_months_is_refused_004_annex2_row8(client, unit, quota):
    old = rules.add_months(timezone.localdate(), -13)
    response = post(client, "issue", issue_data(unit, medical_certificate_issued_on=iso(old)))
    assert list(errors(response)) == ["medical_certificate_issued_on"]
    assert "not more than 12 months ago" in error_of(response, "medical_certificate_issued_on")
    assert nothing_created()


def test_a_border_mark_older_than_12_months_is_refused_004_annex2_row8(client, unit, quota):
    old = rules.add_months(timezone.localdate(), -13)
    response = post(client, "issue", issue_data(unit, border_crossed_on=iso(old)))
    assert list(errors(response)) == ["border_crossed_on"]
    assert nothing_created()


def test_insurance_not_covering_the_term_is_refused_next_to_its_date_004_annex2_row8(client, unit, quota):
    short = rules.add_months(timezone.localdate(), 2)
    response = post(client, "issue", issue_data(unit, insurance_valid_until=iso(short)))
    assert list(errors(response)) == ["insurance_valid_until"]
    assert "must be valid at least until" in error_of(response, "insurance_valid_until")
    assert nothing_created()


def test_a_future_border_mark_date_is_refused(client, unit, quota):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)  # not a legal term: just "a day in the future"
    response = post(client, "issue", issue_data(unit, border_crossed_on=iso(tomorrow)))
    assert error_of(response, "border_crossed_on") == "This date cannot be in the future."
    assert nothing_created()


def test_an_unknown_agreement_of_intent_is_refused_next_to_its_number_004_s11(client, unit, quota):
    response = post(client, "issue", issue_data(unit, intention_agreement_number="LIA-2000-000001"))
    assert list(errors(response)) == ["intention_agreement_number"]
    assert nothing_created()


# --- extension and duplicate ------------------------------------------------------------------------------


@pytest.fixture
def expiring_permit(unit, quota, issued_permit):
    """A 6-month permit expiring in 20 days: inside the extension window (004 §24)."""
    permit = issued_permit(months=6)
    return move_validity(permit, timezone.localdate() + dt.timedelta(days=20))


def test_an_extension_in_the_window_is_filed_004_s24(client, unit, expiring_permit):
    response = post(client, "extend", extend_data(unit, expiring_permit))
    assert response.status_code == 302, errors(response) or summary(response)
    app = Application.objects.get(kind=rules.EXTEND)
    assert app.current_permit == expiring_permit and app.status == ApplicationStatus.UNDER_POLICE_CHECK
    html, code = receipt(client, response)
    assert app.number in html and app.check_access_code(code)


def test_an_extension_beyond_12_months_in_total_is_refused_next_to_the_term_004_s19(client, unit, expiring_permit):
    before = Application.objects.count()
    response = post(client, "extend", extend_data(unit, expiring_permit, term_months="7"))
    assert list(errors(response)) == ["term_months"]
    assert error_of(response, "term_months").startswith("With its extensions a permit runs at most 12 months (004 §19)")
    assert "term_exceeds_12_months" not in response.content.decode()  # the message, not the code, is shown
    assert Application.objects.count() == before


def test_an_extension_outside_the_window_is_refused_next_to_the_permit_number_004_s25(
    client, unit, quota, issued_permit
):
    permit = move_validity(issued_permit(months=6), timezone.localdate() + dt.timedelta(days=3))
    before = Application.objects.count()
    response = post(client, "extend", extend_data(unit, permit))
    assert list(errors(response)) == ["permit_number"]
    assert "not later than 5 calendar days before the permit expires" in error_of(response, "permit_number")
    assert Application.objects.count() == before


def test_an_extension_by_another_employer_is_refused_next_to_the_employer_iin_004_s22(client, unit, expiring_permit):
    response = post(client, "extend", extend_data(unit, expiring_permit, employer_iin=OTHER_IIN))
    assert list(errors(response)) == ["employer_iin"]
    assert "(004 §22)" in error_of(response, "employer_iin")


def test_an_extension_of_an_unknown_permit_is_refused_next_to_the_number(client, unit, quota):
    response = post(client, "extend", extend_data(unit, LabourImmigrantPermit(number="LIPM-2000-000009")))
    assert list(errors(response)) == ["permit_number"]
    assert nothing_created()


def test_a_duplicate_is_issued_on_the_day_of_the_request_004_s27(client, unit, quota, issued_permit):
    permit = issued_permit(months=6)
    data = {
        **immigrant_fields(),
        "unit": unit.code,
        "permit_number": permit.number.lower(),
        "employer_name": "Seitkali Aigerim",
        "employer_iin": EMPLOYER_IIN,
    }
    response = post(client, "duplicate", data)
    assert response.status_code == 302, errors(response) or summary(response)
    app = Application.objects.get(kind=rules.DUPLICATE)
    assert app.status == ApplicationStatus.ISSUED and app.result_permit == permit
    assert app.due_date == app.registered_on
    html, _code = receipt(client, response)
    assert app.number in html


# --- tracking -------------------------------------------------------------------------------------------------


def test_the_application_is_followed_with_its_number_and_access_code(client, unit, quota, job):
    from permits import services

    response = post(client, "issue", issue_data(unit))
    _html, code = receipt(client, response)
    app = Application.objects.get()
    services.record_police_check(app.pk, result="positive", reference="MP-7", actor=job)
    other = Client()
    found = other.post("/track/", {"number": app.number, "access_code": code})
    assert found.status_code == 302
    html = other.get(found["Location"]).content.decode()
    assert 'data-status="under_review"' in html
    assert app.due_date.strftime("%d.%m.%Y") in html
    assert Client().post("/track/", {"number": app.number, "access_code": "wrong"}).status_code == 200


def test_the_issued_permit_is_downloadable_once_rendered_004_s18(
    client, unit, quota, job, django_capture_on_commit_callbacks
):
    from permits import services

    response = post(client, "issue", issue_data(unit))
    _html, code = receipt(client, response)
    app = Application.objects.get()
    services.record_police_check(app.pk, result="positive", actor=job)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_permit(app.pk, actor=job)
    found = client.post("/track/", {"number": app.number, "access_code": code})
    html = client.get(found["Location"]).content.decode()
    assert 'data-status="issued"' in html
    url = re.search(r'id="download-result" href="([^"]+)"', html).group(1)
    download = client.get(url)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert Client().get(url).status_code == 404


# --- languages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("kk", ["Еңбекші көшіп келушіге рұқсат беру", "Жұмыс берушінің ЖСН"]),
        ("ru", ["Выдача разрешения трудовому иммигранту", "ИИН работодателя"]),
    ],
)
def test_the_form_speaks_kazakh_and_russian(client, unit, language, texts):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/permits/apply/issue/").content.decode()
    for text in texts:
        assert text in html, text


# --- the employer's termination notice (annex 6, 004 §28) -------------------------------------------------


@pytest.fixture
def permit(unit, quota, issued_permit):
    return issued_permit(months=6)


def notice_data(permit, **overrides):
    data = {
        "employer_name": "Seitkali Aigerim",
        "employer_iin": EMPLOYER_IIN,
        "immigrant_name": "KARIMOV Aziz",
        "immigrant_iin": "",
        "permit_number": permit.number,
        "permit_issued_on": iso(permit.issued_on),
        "contract_ended_on": iso(timezone.localdate()),
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def notify(client, data):
    return client.post("/permits/termination/", data)


def test_a_web_form_termination_notice_is_registered_and_ends_the_permit_once_a_clerk_confirms_it_004_s28(
    client, permit
):
    from permits import services

    assert Quota.objects.get().issued == 1
    response = notify(client, notice_data(permit))
    assert response.status_code == 302, errors(response) or summary(response)
    notice = TerminationNotice.objects.get()
    assert notice.channel == Channel.WEB_FORM and not notice.is_late
    assert notice.status == "pending_confirmation"
    assert notice.declared["immigrant_name"] == "KARIMOV Aziz"
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == PermitStatus.ACTIVE  # nobody authenticated
    assert Quota.objects.get().issued == 1
    html = client.get(response["Location"]).content.decode()
    assert notice.number in html and permit.number in html
    assert re.search(rf'id="receipt-due">{notice.due_on:%d.%m.%Y}<', html)
    assert 'id="receipt-on-time"' in html and 'id="receipt-pending"' in html
    assert Client().get(response["Location"]).status_code == 404  # only in the browser that sent it

    services.confirm_termination_notice(notice.pk, actor=Actor.job("test"))
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == PermitStatus.TERMINATED
    assert Quota.objects.get().issued == 0


def test_a_late_termination_notice_is_recorded_as_late_004_s28(client, permit):
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(
        valid_from=permit.valid_from - dt.timedelta(days=60), issued_on=permit.issued_on - dt.timedelta(days=60)
    )
    permit = LabourImmigrantPermit.objects.get(pk=permit.pk)
    ended = timezone.localdate() - dt.timedelta(days=30)
    response = notify(client, notice_data(permit, contract_ended_on=iso(ended)))
    assert response.status_code == 302, errors(response) or summary(response)
    assert TerminationNotice.objects.get().is_late
    assert 'id="receipt-late"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "override",
    [
        {"employer_iin": OTHER_IIN},
        {"permit_issued_on": "2001-01-01"},
        {"immigrant_name": "Petrov Ivan"},
        {"permit_number": "LIPM-2000-000001"},
    ],
    ids=["another-employer", "wrong-issue-date", "another-immigrant", "unknown-permit"],
)
def test_a_notice_not_matching_the_permit_is_refused_with_one_message_and_changes_nothing(client, permit, override):
    response = notify(client, notice_data(permit, **override))
    assert response.status_code == 200
    assert "No permit in force matches this permit number" in summary(response)
    assert not TerminationNotice.objects.exists()
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == PermitStatus.ACTIVE


def test_a_contract_end_before_the_permit_is_refused_next_to_its_date(client, permit):
    before = permit.valid_from - dt.timedelta(days=1)
    response = notify(client, notice_data(permit, contract_ended_on=iso(before)))
    assert list(errors(response)) == ["contract_ended_on"]
    assert not TerminationNotice.objects.exists()


def test_a_contract_end_in_the_future_is_refused(client, permit):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = notify(client, notice_data(permit, contract_ended_on=iso(tomorrow)))
    assert error_of(response, "contract_ended_on") == "This date cannot be in the future."
    assert not TerminationNotice.objects.exists()


def test_a_second_notice_for_an_ended_permit_is_refused(client, permit):
    from permits import services

    notify(client, notice_data(permit))
    services.confirm_termination_notice(TerminationNotice.objects.get().pk, actor=Actor.job("test"))
    response = notify(client, notice_data(permit))
    assert "is no longer in force" in summary(response)
    assert TerminationNotice.objects.count() == 1


NOTICE_REQUIRED = {
    "employer_name": "This field is required.",
    "employer_iin": "This field is required.",
    "immigrant_name": "This field is required.",
    "permit_number": "This field is required.",
    "permit_issued_on": "This field is required.",
    "contract_ended_on": "This field is required.",
    "consent": "The notice cannot be accepted without your confirmation.",
}


@pytest.mark.parametrize("field", sorted(NOTICE_REQUIRED))
def test_notice_each_missing_field_gets_its_error_and_nothing_changes_004_annex6(client, permit, field):
    data = notice_data(permit)
    data.pop(field)
    response = notify(client, data)
    assert error_of(response, field) == NOTICE_REQUIRED[field]
    assert list(errors(response)) == [field]
    assert not TerminationNotice.objects.exists()


def test_a_bad_employer_iin_on_the_notice_is_refused_next_to_it(client, permit):
    response = notify(client, notice_data(permit, employer_iin="123456789012"))
    assert list(errors(response)) == ["employer_iin"]


def test_the_notice_form_is_rate_limited(client, permit, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": (2, 3600)}
    for _ in range(2):
        notify(client, notice_data(permit, employer_iin=OTHER_IIN))
    assert notify(client, notice_data(permit)).status_code == 429
    assert not TerminationNotice.objects.exists()


def test_no_person_is_created_by_a_refused_application(client, unit, quota):
    before = Person.objects.count()
    post(client, "issue", issue_data(unit, term_months="13"))
    assert Person.objects.count() == before
