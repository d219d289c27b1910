"""The public web form of the foreign-labour permit to employers (seed 000): the six sub-services of 000 §5,
the employer's copy of the fee payment (000 §5), tracking by number and access code.

Every bad input gets its error next to its field and creates nothing; a refusal of the service
(permits.foreign_labour.services) is shown next to the field it concerns.
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
from permits.foreign_labour import rules as fl_rules
from permits.foreign_labour import services as fl_services
from permits.foreign_labour.models import FLPStatus, ForeignLabourPermitApplication, RequestedWorker
from permits.models import Quota
from tests.factories import DistrictFactory, RegionFactory, make_identifier
from tests.public_pages import error_of, errors, receipt, summary
from tests.samples import EXE, PDF

pytestmark = pytest.mark.django_db

Application = ForeignLabourPermitApplication
BIN = make_identifier(40_140_000_123)  # 5th digit 4: a legal entity
JOB = Actor.job("test")


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


@pytest.fixture
def region():
    return RegionFactory(code="470000000", name_ru="Мангистауская область", name_kk="Маңғыстау облысы")


@pytest.fixture
def district(region):
    return DistrictFactory(code="471010000", name_ru="г. Актау", name_kk="Ақтау қ.", parent=region)


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def documents(kind, intra):
    return {
        alts.split("|")[0]: pdf(f"{alts.split('|')[0]}.pdf") for alts in fl_rules.missing_documents(kind, intra, [])
    }


def employer_fields(region, **overrides):
    data = {
        "unit": region.code,
        "employer_kind": "legal_entity",
        "employer_identifier": BIN,
        "employer_name": "Caspian Drilling LLP",
        "employer_address": "Aktau, 9-1",
        "employer_phone": "+7 7292 00 00 00",
        "employer_email": "hr@caspian.example",
        "consent": "on",
    }
    data.update(overrides)
    return data


def issue_data(region, district, **overrides):
    data = {
        **employer_fields(region),
        "term_months": "12",
        "worker1_profession": "Drilling engineer",
        "worker1_category": "3",
        "worker1_count": "2",
        "worker1_territory": district.code,
        **documents("issue", False),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def transfer_data(region, district, **overrides):
    data = {
        **employer_fields(region),
        "term_months": "24",
        "sending_company": "Caspian Drilling GmbH (Hamburg)",
        "transferee1_surname": "Müller",
        "transferee1_given_name": "Jonas",
        "transferee1_birth_date": "1985-06-01",
        "transferee1_citizenship": "DEU",
        "transferee1_passport_number": "C01X00T47",
        "transferee1_profession": "Project manager",
        "transferee1_category": "1",
        "transferee1_territory": "",
        **documents("issue", True),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, variant, data):
    return client.post(f"/permits/foreign-labour/{variant}/", data)


def nothing_created():
    return not Application.objects.exists() and not Attachment.objects.exists()


# --- the start page --------------------------------------------------------------------------------------------


def test_start_page_offers_the_foreign_labour_permit(client):
    html = client.get("/").content.decode()
    assert 'href="/permits/foreign-labour/"' in html
    assert "Permit to an employer to attract foreign labour" in html


def test_the_six_sub_services_are_offered_with_their_terms_000_s5(client):
    html = client.get("/permits/foreign-labour/").content.decode()
    for variant in ("issue", "reissue", "extend", "transfer-issue", "transfer-reissue", "transfer-extend"):
        assert f'href="/permits/foreign-labour/{variant}/"' in html, variant
    assert "Result within 19 working days of registration, of which 10" in html  # issue: 3 + 4 + 1 + 11 (000 §5)
    assert "Result within 8 working days of registration" in html  # intra-corporate issue: 3 + 4 + 1
    assert 'href="/permits/foreign-labour/fee/"' in html


def test_an_unknown_variant_is_404(client):
    assert client.get("/permits/foreign-labour/transfer-duplicate/").status_code == 404


def test_the_ordinary_issue_form_asks_the_employer_the_workers_and_their_list(client, region, district):
    html = client.get("/permits/foreign-labour/issue/").content.decode()
    for name in (
        "unit",
        "employer_kind",
        "employer_identifier",
        "employer_name",
        "term_months",
        "worker1_profession",
        "worker1_category",
        "worker1_count",
        "worker1_territory",
        "worker3_profession",
        "flp_workers_list",
        "consent",
    ):
        assert f'name="{name}"' in html, name
    assert f'value="{region.code}"' in html and f'value="{district.code}"' in html
    assert 'name="transferee1_surname"' not in html and 'name="permit_number"' not in html


def test_the_transfer_form_names_the_transferees_and_the_sending_company(client, region):
    html = client.get("/permits/foreign-labour/transfer-issue/").content.decode()
    for name in ("sending_company", "transferee1_surname", "transferee1_passport_number", "flp_transfer_decision"):
        assert f'name="{name}"' in html, name
    assert 'name="worker1_count"' not in html and 'name="flp_workers_list"' not in html


# --- filing -------------------------------------------------------------------------------------------------


def test_an_ordinary_issue_is_registered_and_the_receipt_shows_number_and_expected_result_date_000_s5(
    client, region, district
):
    response = post(client, "issue", issue_data(region, district))
    assert response.status_code == 302, errors(response) or summary(response)
    app = Application.objects.get()
    assert app.channel == Channel.WEB_FORM and app.kind == "issue" and not app.intra_corporate
    assert app.status == FLPStatus.UNDER_CHECK and app.unit == region and app.term_months == 12
    assert app.employer.bin == BIN and app.employer.name == "Caspian Drilling LLP"
    line = RequestedWorker.objects.get(application=app)
    assert (line.profession, line.qualification_category, line.count, line.territory) == (
        "Drilling engineer",
        "3",
        2,
        district,
    )
    assert list(app.attachments.values_list("doc_type", flat=True)) == ["flp_workers_list"]
    html, code = receipt(client, response)
    assert app.number.startswith("FLP-") and app.number in html
    assert re.search(rf'id="receipt-due">{app.due_date:%d.%m.%Y}<', html)
    assert app.check_access_code(code)


def test_an_intra_corporate_issue_names_its_transferees_000_s5(client, region, district):
    response = post(client, "transfer-issue", transfer_data(region, district))
    assert response.status_code == 302, errors(response) or summary(response)
    app = Application.objects.get()
    assert app.intra_corporate and app.term_months == 24
    assert app.sending_company == "Caspian Drilling GmbH (Hamburg)"
    line = RequestedWorker.objects.get(application=app)
    assert line.transferee.surname == "Müller" and line.transferee.passport_number == "C01X00T47"
    assert line.territory == region  # "the whole region"


def test_an_individual_entrepreneur_applies_with_an_iin(client, region, district):
    iin = make_identifier(86_010_100_001)
    response = post(
        client, "issue", issue_data(region, district, employer_kind="entrepreneur", employer_identifier=iin)
    )
    assert response.status_code == 302, errors(response) or summary(response)
    assert Application.objects.get().employer.iin == iin


ISSUE_REQUIRED = {
    "unit": "This field is required.",
    "employer_kind": "This field is required.",
    "employer_identifier": "This field is required.",
    "employer_name": "This field is required.",
    "employer_address": "This field is required.",
    "employer_phone": "This field is required.",
    "term_months": "This field is required.",
    "worker1_profession": "This field is required.",
    "worker1_category": "This field is required.",
    "worker1_count": "This field is required.",
    "flp_workers_list": "Attach this document.",
    "consent": "The application cannot be accepted without your consent.",
}


@pytest.mark.parametrize("field", sorted(ISSUE_REQUIRED))
def test_issue_each_missing_required_field_gets_its_error_and_nothing_is_created(client, region, district, field):
    data = issue_data(region, district)
    data.pop(field)
    response = post(client, "issue", data)
    assert response.status_code == 200
    assert error_of(response, field) == ISSUE_REQUIRED[field]
    assert list(errors(response)) == [field]
    assert nothing_created()


def test_a_half_filled_second_line_asks_for_the_rest(client, region, district):
    response = post(client, "issue", issue_data(region, district, worker2_profession="Welder"))
    assert sorted(errors(response)) == ["worker2_category", "worker2_count"]
    assert nothing_created()


def test_a_bad_bin_is_refused_next_to_it(client, region, district):
    response = post(client, "issue", issue_data(region, district, employer_identifier="123456789012"))
    assert list(errors(response)) == ["employer_identifier"]
    assert "check digit" in error_of(response, "employer_identifier")
    assert nothing_created()


def test_a_disguised_executable_is_refused_next_to_its_field(client, region, district):
    response = post(client, "issue", issue_data(region, district, flp_workers_list=pdf("list.pdf", EXE)))
    assert list(errors(response)) == ["flp_workers_list"]
    assert nothing_created()


@pytest.mark.parametrize(("variant", "months", "top"), [("issue", "13", 12), ("transfer-issue", "37", 36)])
def test_a_term_out_of_range_is_refused_next_to_the_term(client, region, district, variant, months, top):
    make = issue_data if variant == "issue" else transfer_data
    response = post(client, variant, make(region, district, term_months=months))
    assert list(errors(response)) == ["term_months"]
    assert f"The term is 1 to {top} months; {months} was asked." == error_of(response, "term_months")
    assert nothing_created()


def test_a_place_of_work_outside_the_region_is_refused_next_to_it(client, region, district):
    elsewhere = DistrictFactory(parent=RegionFactory())
    response = post(client, "issue", issue_data(region, district, worker1_territory=elsewhere.code))
    assert list(errors(response)) == ["worker1_territory"]
    assert nothing_created()


def test_a_district_is_not_a_provider_000_s1(client, region, district):
    response = post(client, "issue", issue_data(region, district, unit=district.code))
    assert "unit" in errors(response)  # not among the regions offered
    assert nothing_created()


def test_an_exhausted_foreign_labour_quota_is_a_clear_message(client, region, district):
    today = timezone.localdate()
    Quota.objects.create(
        purpose=Quota.Purpose.FOREIGN_LABOUR,
        unit=region,
        total=1,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
    )
    response = post(client, "issue", issue_data(region, district))
    assert "has 1 free places; 2 were asked" in error_of(response, "worker1_profession")
    assert nothing_created()


def test_an_extension_of_an_unknown_permit_is_refused_next_to_its_number(client, region):
    data = {**employer_fields(region), "permit_number": "FLPM-2000-000001", "term_months": "6"}
    data.update(documents("extend", False))
    response = post(client, "extend", data)
    assert list(errors(response)) == ["permit_number"]
    assert nothing_created()


def test_no_person_is_created_by_a_refused_transfer(client, region, district):
    before = Person.objects.count()
    post(client, "transfer-issue", transfer_data(region, district, term_months="37"))
    assert Person.objects.count() == before


# --- tracking and the fee ---------------------------------------------------------------------------------------


def test_the_application_is_followed_with_its_number_and_access_code(client, region, district):
    response = post(client, "issue", issue_data(region, district))
    _html, code = receipt(client, response)
    app = Application.objects.get()
    fl_services.complete_check(app.pk, actor=JOB)
    other = Client()
    found = other.post("/track/", {"number": app.number, "access_code": code})
    assert found.status_code == 302
    assert 'data-status="referred"' in other.get(found["Location"]).content.decode()


def _to_fee_step(app):
    """Check → Commission approves → letter (000 §8(2)–(4)): the employer now owes the fee copy."""
    from permits.foreign_labour.models import AgendaItem, CommissionMember

    fl_services.complete_check(app.pk, actor=JOB)
    member = CommissionMember.objects.create(unit=app.unit, full_name="Sultanov B.", role="chair")
    meeting = fl_services.schedule_meeting(unit=app.unit, held_on=timezone.localdate(), actor=JOB)
    fl_services.put_on_agenda(meeting.pk, app.pk, actor=JOB)
    fl_services.record_protocol(
        meeting.pk,
        decisions={app.pk: fl_services.Decision(AgendaItem.Decision.APPROVE)},
        members_present=[member.pk],
        actor=JOB,
    )
    return fl_services.send_letter(app.pk, actor=JOB)


def fee_data(app, code, **overrides):
    data = {
        "number": app.number.lower(),
        "access_code": code,
        "paid_on": timezone.localdate().isoformat(),
        "payment_reference": "PP-17",
        "amount": "212300",
        "fee_payment_proof": pdf("payment.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_employer_sends_the_fee_payment_with_number_and_access_code_000_s5(client, region, district):
    response = post(client, "issue", issue_data(region, district))
    _html, code = receipt(client, response)
    app = _to_fee_step(Application.objects.get())
    assert app.status == FLPStatus.AWAITING_FEE
    sent = Client().post("/permits/foreign-labour/fee/", fee_data(app, code))
    assert sent.status_code == 200 and 'id="receipt-number"' in sent.content.decode()
    payment = app.fee_payments.get()
    assert payment.payment_reference == "PP-17"
    assert app.attachments.filter(doc_type="fee_payment_proof").exists()


def test_a_fee_payment_with_a_wrong_code_is_refused_like_tracking(client, region, district):
    response = post(client, "issue", issue_data(region, district))
    receipt(client, response)
    app = _to_fee_step(Application.objects.get())
    sent = Client().post("/permits/foreign-labour/fee/", fee_data(app, "wrong-code"))
    assert "No application matches this number and access code" in summary(sent)
    assert not app.fee_payments.exists()


def test_a_fee_payment_before_the_letter_is_refused_with_a_clear_message(client, region, district):
    response = post(client, "issue", issue_data(region, district))
    _html, code = receipt(client, response)
    app = Application.objects.get()
    sent = Client().post("/permits/foreign-labour/fee/", fee_data(app, code))
    assert "does not await a fee payment" in summary(sent)
    assert not app.fee_payments.exists()


def test_a_fee_payment_that_is_not_a_document_is_refused_next_to_the_file(client, region, district):
    response = post(client, "issue", issue_data(region, district))
    _html, code = receipt(client, response)
    app = _to_fee_step(Application.objects.get())
    sent = Client().post("/permits/foreign-labour/fee/", fee_data(app, code, fee_payment_proof=pdf("p.pdf", EXE)))
    assert list(errors(sent)) == ["fee_payment_proof"]
    assert not app.fee_payments.exists()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("kk", ["Шетелдік жұмыс күшін тартуға рұқсат", "БСН немесе ЖСН"]),
        ("ru", ["Разрешение на привлечение иностранной рабочей силы", "БИН или ИИН"]),
    ],
)
def test_the_form_speaks_kazakh_and_russian(client, region, language, texts):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/permits/foreign-labour/issue/").content.decode()
    for text in texts:
        assert text in html, text
