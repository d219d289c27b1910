"""Browser tests of the permits app's public forms (issue 5 "Done when"; issue 6 once the foreign-labour service
lands): a labour immigrant and the employer file an application with its documents through the public form and
get the receipt; a clerk takes it through the police check to the issue with the admin's transition buttons;
the applicant sees the permit and downloads it.

Playwright drives Debian's chromium (headless) against pytest-django's live server. Screenshots are saved under
tests/artifacts/permits/ (ignored by git).
"""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS as BROWSER_ARTIFACTS
from tests.browser import BROWSER_MARKS
from tests.samples import PDF, padded_pdf

ARTIFACTS = BROWSER_ARTIFACTS / "permits"

pytestmark = BROWSER_MARKS


@pytest.fixture
def office():
    from django.utils import timezone

    from permits.models import Quota
    from tests.factories import ClerkFactory, DistrictFactory, RegionFactory

    region = RegionFactory(code="470000000", name_ru="Мангистауская область", name_kk="Маңғыстау облысы")
    aktau = DistrictFactory(code="471010000", name_ru="г. Актау", name_kk="Ақтау қ.", parent=region)
    DistrictFactory(code="473630000", name_ru="Мунайлинский район", name_kk="Мұнайлы ауданы", parent=region)
    year = timezone.localdate().year
    quota = Quota.objects.create(
        unit=aktau, total=5, period_start=dt.date(year, 1, 1), period_end=dt.date(year + 1, 12, 31)
    )
    clerk = ClerkFactory(username="officer", unit=region, is_superuser=True)
    return {"region": region, "unit": aktau, "quota": quota, "clerk": clerk}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def admin_login(browser, base: str, next_url: str):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    admin.set_default_timeout(30_000)
    admin.goto(f"{base}/admin/login/?next={next_url}")
    admin.fill("#id_username", "officer")
    admin.fill("#id_password", "correct-horse-battery")
    admin.click('input[type="submit"]')
    admin.wait_for_url(f"**{next_url}")
    return context, admin


def test_labour_immigrant_files_online_and_a_clerk_takes_it_through_the_police_check_to_issue(
    browser, live_server, office
):
    from django.utils import timezone

    from permits import rules
    from permits.models import LabourImmigrantPermitApplication, Quota
    from tests.permits.conftest import EMPLOYER_IIN

    shutil.rmtree(ARTIFACTS / "lip", ignore_errors=True)
    base = live_server.url
    today = timezone.localdate()

    # --- the labour immigrant and the employer --------------------------------------------------------------
    applicant = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = applicant.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/")
    page.click('#services a.service-link[href="/permits/apply/"]')
    page.wait_for_url("**/permits/apply/")
    shot(page, "lip/01-choose-kind")
    page.click('a[data-kind="issue"]')
    page.wait_for_url("**/permits/apply/issue/")

    page.select_option("#id_unit", "471010000")
    page.fill("#id_surname", "Karimov")
    page.fill("#id_given_name", "Aziz")
    page.fill("#id_birth_date", "1990-04-02")
    page.fill("#id_place_of_birth", "Samarkand, Uzbekistan")
    page.select_option("#id_citizenship", "UZB")
    page.fill("#id_passport_number", "FA1234567")
    page.fill("#id_passport_issued_on", "2020-01-10")
    page.fill("#id_passport_issuer", "Ministry of Internal Affairs of Uzbekistan")
    page.fill("#id_address", "Aktau, 14th microdistrict, 5-12")
    page.fill("#id_phone", "+998 90 123 45 67")
    page.fill("#id_residence_country_address", "Uzbekistan, Tashkent, Navoi street 5")
    page.fill("#id_family_composition", "married, 2 children")
    page.fill("#id_term_months", "6")
    page.fill("#id_employer_name", "Seitkali Aigerim")
    # Inline check: a wrong IIN is reported as soon as the field is left.
    page.fill("#id_employer_iin", "123456789012")
    page.press("#id_employer_iin", "Tab")
    page.wait_for_selector("#id_employer_iin_error:not([hidden])")
    page.locator("#id_employer_iin_field").scroll_into_view_if_needed()
    shot(page, "lip/02-inline-iin-check")
    page.fill("#id_employer_iin", EMPLOYER_IIN)
    page.press("#id_employer_iin", "Tab")
    assert page.locator("#id_employer_iin_error").is_hidden()
    page.fill("#id_employer_address", "Aktau, 14th microdistrict, 5-2")
    page.fill("#id_employer_phone", "+7 701 123 45 67")
    page.fill("#id_property_address", "Aktau, 14th microdistrict, house 5, apartment 2")
    page.select_option("#id_property_unit", "471010000")
    page.fill("#id_medical_certificate_issued_on", rules.add_months(today, -1).isoformat())
    page.fill("#id_border_crossed_on", rules.add_months(today, -2).isoformat())
    page.fill("#id_insurance_valid_until", rules.add_months(today, 12).isoformat())
    pdf = {"mimeType": "application/pdf"}
    for alternatives in rules.required_documents(rules.ISSUE, "web_form"):
        name = alternatives[0]
        content = padded_pdf(1024 * 1024) if name == "passport_with_border_mark" else PDF
        page.set_input_files(f"#id_{name}", files=[{**pdf, "name": f"{name}.pdf", "buffer": content}])
    page.check("#id_consent")
    page.check("#id_employer_consent")

    # The term too long first: the rule's message comes back next to the term (004 §19), files are kept.
    page.fill("#id_term_months", "13")
    page.click("button.primary")
    page.wait_for_selector("#error-summary")
    assert "1 to 12 months (004 §19)" in page.inner_text("#id_term_months_error")
    page.locator("#id_term_months_field").scroll_into_view_if_needed()
    shot(page, "lip/03-term-refused")
    assert LabourImmigrantPermitApplication.objects.count() == 0

    page.fill("#id_term_months", "6")
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/application/[^/]+/receipt/$"), timeout=60_000)
    shot(page, "lip/04-receipt")
    app = LabourImmigrantPermitApplication.objects.get()
    assert page.inner_text("#receipt-number") == app.number
    assert page.inner_text("#receipt-due") == app.due_date.strftime("%d.%m.%Y")
    code = page.inner_text("#access-code-value").strip()
    assert app.check_access_code(code)
    assert app.attachments.count() == len(rules.required_documents(rules.ISSUE, "web_form"))
    assert app.number not in page.url

    # --- the clerk: police check (004 §16), then the decision (004 §7) ------------------------------------
    office_context, admin = admin_login(browser, base, "/admin/permits/labourimmigrantpermitapplication/")
    shot(admin, "lip/05-admin-queue")
    admin.click(f"text={app.number}")
    admin.wait_for_selector("#case-panel")
    shot(admin, "lip/06-admin-under-police-check")

    def take(transition: str, fill=None, expected: str = "") -> None:
        admin.click(f'a.transition[data-transition="{transition}"]')
        admin.wait_for_selector("#transition-form")
        if fill:
            fill()
        admin.click('#transition-form input[type="submit"]')
        admin.wait_for_selector("#case-panel")
        assert "Done" in admin.inner_text(".messagelist"), admin.inner_text("#content")
        status = LabourImmigrantPermitApplication.objects.get(pk=app.pk).status
        assert status == expected, status

    def police_answer():
        admin.select_option("#id_result", "positive")
        admin.fill("#id_reference", "MP-2026-0042")
        shot(admin, "lip/07-admin-police-check-form")

    take("record_police_check", fill=police_answer, expected="under_review")
    take("issue", expected="issued")
    shot(admin, "lip/08-admin-issued")
    app = LabourImmigrantPermitApplication.objects.get(pk=app.pk)
    assert app.result_permit is not None and Quota.objects.get().issued == 1

    # --- the applicant follows the status and downloads the permit (annex 5) -----------------------------------
    page.goto(f"{base}/track/")
    page.fill("#id_number", app.number)
    page.fill("#id_access_code", code)
    page.click("button.primary")
    page.wait_for_selector("#case-status")
    assert page.get_attribute("#case-status", "data-status") == "issued"
    history = page.inner_text("#history").lower()
    assert "under check by internal affairs" in history and "issued" in history
    assert "officer" not in history
    shot(page, "lip/09-status-issued")
    with page.expect_download() as download_info:
        page.click("#download-result")
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    # --- the same form in Kazakh ----------------------------------------------------------------------------------
    page.goto(f"{base}/permits/apply/issue/")
    page.click('.lang button[value="kk"]')
    page.wait_for_selector('html[lang="kk"]')
    assert "Еңбекші көшіп келушіге рұқсат беру" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "lip" / "10-issue-form-kk.png"))

    for context in (applicant, office_context):
        context.close()


def test_the_employer_notifies_the_end_of_the_contract_and_the_permit_ends(browser, live_server, office):
    """Annex 6 through the public form (004 §28): registered for the office's confirmation; once a clerk confirms
    it the permit is terminated and its quota unit released."""
    from django.utils import timezone

    from casework.actors import Actor
    from permits import services
    from permits.models import LabourImmigrantPermit, PermitStatus, Quota
    from tests.permits.conftest import EMPLOYER_IIN, application_input, issue_through

    job = Actor.job("test")
    app, _code = services.register_application(application_input(office["unit"]), actor=job)
    permit = LabourImmigrantPermit.objects.get(pk=issue_through(app, job).result_permit_id)

    context = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/")
    page.click('#services a.service-link[href="/permits/termination/"]')
    page.wait_for_url("**/permits/termination/")
    page.fill("#id_employer_name", "Seitkali Aigerim")
    page.fill("#id_employer_iin", EMPLOYER_IIN)
    page.fill("#id_immigrant_name", "Karimov Aziz")
    page.fill("#id_permit_number", permit.number)
    page.fill("#id_permit_issued_on", permit.issued_on.isoformat())
    page.fill("#id_contract_ended_on", timezone.localdate().isoformat())
    page.check("#id_consent")
    shot(page, "notice/01-form")
    page.click("button.primary")
    page.wait_for_selector("#receipt")
    shot(page, "notice/02-receipt")
    assert page.inner_text("#receipt-permit") == permit.number
    assert page.is_visible("#receipt-pending")
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == PermitStatus.ACTIVE
    from permits.models import TerminationNotice

    services.confirm_termination_notice(TerminationNotice.objects.get(permit=permit).pk, actor=job)
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == PermitStatus.TERMINATED
    assert Quota.objects.get().issued == 0
    context.close()


@pytest.fixture
def regional_office(office):
    from permits.foreign_labour.models import CommissionMember

    members = [
        CommissionMember.objects.create(unit=office["region"], full_name="Sultanov B.", role="chair"),
        CommissionMember.objects.create(unit=office["region"], full_name="Ivanova M.", role="member"),
    ]
    return {**office, "members": members}


def test_an_intra_corporate_transfer_goes_from_the_public_form_to_the_signed_and_issued_permit(
    browser, live_server, regional_office
):
    """Issue 6 "Done when": the employer files an intra-corporate issue through the public form; the officer
    refers it to the Commission, the Commission records its protocol, the head signs, the office issues against
    the journal (000 §5, §8); the employer downloads the permit."""
    from casework.actors import Actor
    from permits.foreign_labour import services as fl_services
    from permits.foreign_labour.models import FLPStatus, ForeignLabourPermitApplication
    from tests.factories import make_identifier

    shutil.rmtree(ARTIFACTS / "flp", ignore_errors=True)
    base = live_server.url
    bin_ = make_identifier(40_140_000_123)

    # --- the employer ---------------------------------------------------------------------------------------
    employer = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = employer.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/")
    page.click('#services a.service-link[href="/permits/foreign-labour/"]')
    page.wait_for_url("**/permits/foreign-labour/")
    shot(page, "flp/01-choose-sub-service")
    page.click('a[data-variant="transfer-issue"]')
    page.wait_for_url("**/permits/foreign-labour/transfer-issue/")
    page.select_option("#id_unit", "470000000")
    page.select_option("#id_employer_kind", "legal_entity")
    page.fill("#id_employer_identifier", bin_)
    page.fill("#id_employer_name", "Caspian Drilling LLP")
    page.fill("#id_employer_address", "Aktau, 9th microdistrict, 1")
    page.fill("#id_employer_phone", "+7 7292 00 00 00")
    page.fill("#id_employer_email", "hr@caspian.example")
    page.fill("#id_term_months", "24")
    page.fill("#id_sending_company", "Caspian Drilling GmbH, Hamburg")
    page.fill("#id_transferee1_surname", "Müller")
    page.fill("#id_transferee1_given_name", "Jonas")
    page.fill("#id_transferee1_birth_date", "1985-06-01")
    page.select_option("#id_transferee1_citizenship", "DEU")
    page.fill("#id_transferee1_passport_number", "C01X00T47")
    page.fill("#id_transferee1_profession", "Drilling project manager")
    page.select_option("#id_transferee1_category", "1")
    page.select_option("#id_transferee1_territory", "471010000")
    page.set_input_files(
        "#id_flp_transfer_decision",
        files=[{"name": "transfer-decision.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.check("#id_consent")
    shot(page, "flp/02-form-filled")
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/application/[^/]+/receipt/$"), timeout=60_000)
    shot(page, "flp/03-receipt")
    app = ForeignLabourPermitApplication.objects.get()
    assert app.intra_corporate and app.status == FLPStatus.UNDER_CHECK
    assert page.inner_text("#receipt-number") == app.number
    assert page.inner_text("#receipt-due") == app.due_date.strftime("%d.%m.%Y")
    code = page.inner_text("#access-code-value").strip()

    # --- the office: check (000 §8(2)) ------------------------------------------------------------------------
    office_context, admin = admin_login(browser, base, "/admin/permits/foreignlabourpermitapplication/")
    admin.click(f"text={app.number}")
    admin.wait_for_selector("#case-panel")
    shot(admin, "flp/04-admin-under-check")

    def take(transition: str, fill=None, expected: str = "") -> None:
        admin.click(f'a.transition[data-transition="{transition}"]')
        admin.wait_for_selector("#transition-form")
        if fill:
            fill()
        admin.click('#transition-form input[type="submit"]')
        admin.wait_for_selector("#case-panel")
        assert "Done" in admin.inner_text(".messagelist"), admin.inner_text("#content")
        status = ForeignLabourPermitApplication.objects.get(pk=app.pk).status
        assert status == expected, status

    take("refer_to_commission", expected=FLPStatus.REFERRED)

    # --- the Commission (000 §8(3)): a meeting, its agenda, the protocol --------------------------------------
    # The meeting is planned beforehand (the secretary's calendar); the clerk fills its agenda and protocol.
    meeting = fl_services.schedule_meeting(
        unit=regional_office["region"], held_on=app.registered_on, place="Akimat, room 301", actor=Actor.job("test")
    )
    admin.goto(f"{base}/admin/permits/commissionmeeting/{meeting.pk}/change/")
    admin.wait_for_selector("text=Put referred applications on the agenda")
    admin.click("text=Put referred applications on the agenda")
    admin.check(f'#flp-form input[name="applications"][value="{app.pk}"]')
    admin.click('#flp-form input[type="submit"]')
    admin.wait_for_selector("text=Record the protocol")
    admin.click("text=Record the protocol")
    for member in regional_office["members"]:
        admin.check(f'input[name="members_present"][value="{member.pk}"]')
    admin.select_option(f"#id_item{app.pk}-decision", "approve")
    shot(admin, "flp/05-admin-protocol")
    admin.click('#flp-form input[type="submit"]')
    admin.wait_for_selector(".messagelist")
    assert ForeignLabourPermitApplication.objects.get(pk=app.pk).status == FLPStatus.AWAITING_SIGNATURE

    # --- the head signs (15 min), the office issues against the journal (000 §8(5)–(6)) ------------------------
    admin.goto(f"{base}/admin/permits/foreignlabourpermitapplication/{app.pk}/change/")
    admin.wait_for_selector("#case-panel")
    take("sign", expected=FLPStatus.SIGNED)
    shot(admin, "flp/06-admin-signed")
    app = ForeignLabourPermitApplication.objects.get(pk=app.pk)
    assert app.result_permit is not None and app.result_permit.intra_corporate

    def journal():
        admin.fill("#id_collected_by", "Akhmetov D., by power of attorney")
        admin.fill("#id_power_of_attorney", "No 14 of today")
        admin.check("#id_signed")

    take("issue", fill=journal, expected=FLPStatus.ISSUED)
    shot(admin, "flp/07-admin-issued")

    # --- the employer follows the status and downloads the permit ---------------------------------------------------
    page.goto(f"{base}/track/")
    page.fill("#id_number", app.number)
    page.fill("#id_access_code", code)
    page.click("button.primary")
    page.wait_for_selector("#case-status")
    assert page.get_attribute("#case-status", "data-status") == "issued"
    history = page.inner_text("#history").lower()
    assert "referred to the commission" in history and "issued" in history
    shot(page, "flp/08-status-issued")
    with page.expect_download() as download_info:
        page.click("#download-result")
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    for context in (employer, office_context):
        context.close()
