"""Browser test (issue 4, "Done when"): an applicant files a certificate application through the public form
with an upload (the progress bar shows), gets the receipt and follows the status; a clerk takes the
application from registration to issue in the admin; the applicant downloads the certificate.

Playwright drives Debian's chromium (headless) against pytest-django's live server. Screenshots are saved
under tests/artifacts/ (ignored by git).
"""

import re
import shutil
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS as BROWSER_ARTIFACTS
from tests.browser import BROWSER_MARKS
from tests.samples import PDF, padded_pdf

ARTIFACTS = BROWSER_ARTIFACTS

pytestmark = BROWSER_MARKS


@pytest.fixture
def office():
    from certificates.catalogue import load_catalogue
    from tests.certificates.factories import CommissionMemberFactory
    from tests.factories import ClerkFactory, RegionFactory

    region = RegionFactory(code="470000000", name_ru="Мангистауская область", name_kk="Маңғыстау облысы")
    load_catalogue()
    members = [
        CommissionMemberFactory(unit=region, full_name="Sultanov B.", represents="akimat", is_chair=True),
        CommissionMemberFactory(unit=region, full_name="Ivanova M.", represents="education department"),
    ]
    clerk = ClerkFactory(username="registrar", unit=region, is_superuser=True)
    return {"region": region, "members": members, "clerk": clerk}


def shot(page, name: str) -> None:
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def test_applicant_files_online_and_a_clerk_takes_it_to_issue(browser, live_server, office):
    from certificates.models import CertificateApplication

    shutil.rmtree(ARTIFACTS / "certificates", ignore_errors=True)
    base = live_server.url

    # --- the applicant ----------------------------------------------------------------------------
    applicant = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = applicant.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{base}/")
    shot(page, "certificates/01-start-page")
    page.click('#services a.service-link[href="/certificates/apply/"]')
    page.wait_for_url("**/certificates/apply/")
    shot(page, "certificates/02-choose-sub-service")
    page.click('a[data-kind="issue"]')
    page.wait_for_url("**/certificates/apply/issue/")

    # Inline validation: a wrong IIN is reported as soon as the field is left.
    page.fill("#id_iin", "123456789012")
    page.press("#id_iin", "Tab")
    page.wait_for_selector("#id_iin_error:not([hidden])")
    assert "IIN" in page.inner_text("#id_iin_error")
    page.fill("#id_surname", "R2D2")
    page.press("#id_surname", "Tab")
    page.wait_for_selector("#id_surname_error:not([hidden])")
    page.locator("#id_iin_field").scroll_into_view_if_needed()
    shot(page, "certificates/03-inline-validation")
    page.fill("#id_iin", "")
    page.press("#id_iin", "Tab")
    assert page.locator("#id_iin_error").is_hidden()

    page.fill("#id_surname", "Karimov")
    page.fill("#id_given_name", "Aziz")
    page.fill("#id_birth_date", "1990-04-02")
    page.select_option("#id_citizenship", "UZB")
    page.fill("#id_passport_number", "FA1234567")
    page.fill("#id_passport_issued_on", "2020-01-10")
    page.fill("#id_passport_issuer", "Ministry of Internal Affairs of Uzbekistan")
    page.fill("#id_address", "Aktau, 14th microdistrict, 5-12")
    page.fill("#id_phone", "+7 701 123 45 67")
    page.fill("#id_email", "aziz@example.org")
    page.fill("#id_residence_country_address", "Tashkent, Navoi street 5, +998 71 000 00 00")
    page.select_option("#id_profession", "1.1.1.4")  # physics teacher (order 236 annex 2)
    page.check("#id_has_higher")
    page.fill("#id_higher_specialty", "Physics")
    page.fill("#id_higher_document_number", "D-0012345")
    page.fill("#id_experience_years", "5")
    pdf = {"mimeType": "application/pdf"}
    page.set_input_files("#id_identity_document", files=[{**pdf, "name": "passport.pdf", "buffer": PDF}])
    page.set_input_files(
        "#id_education_document", files=[{**pdf, "name": "diploma.pdf", "buffer": padded_pdf(2 * 1024 * 1024)}]
    )
    page.set_input_files("#id_work_experience", files=[{**pdf, "name": "work-record.pdf", "buffer": PDF}])
    page.check("#id_consent")

    # A slow connection, so the upload takes a few seconds and the progress bar can be seen.
    cdp = applicant.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 400 * 1024},
    )
    page.click("button.primary")
    page.wait_for_selector("#upload-progress:not([hidden])")
    page.wait_for_function("document.querySelector('#upload-progress progress').value >= 20")
    page.locator("#upload-progress").scroll_into_view_if_needed()
    shot(page, "certificates/04-upload-progress")
    progress = page.eval_on_selector("#upload-progress progress", "bar => bar.value")
    assert 0 < progress <= 100
    page.wait_for_url(re.compile(r".*/application/[^/]+/receipt/$"), timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    shot(page, "certificates/05-receipt")

    application = CertificateApplication.objects.get()
    assert page.inner_text("#receipt-number") == application.number
    assert page.inner_text("#receipt-due") == application.due_date.strftime("%d.%m.%Y")
    code = page.inner_text("#access-code-value").strip()
    assert application.check_access_code(code)
    assert application.attachments.count() == 3
    for url in (page.url,):
        assert application.number not in url and "Karimov" not in url

    # Following the status from another browser with the number and the access code.
    tracker = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 800}, accept_downloads=True)
    status_page = tracker.new_page()
    status_page.goto(f"{base}/track/")
    status_page.fill("#id_number", application.number)
    status_page.fill("#id_access_code", "wrong-code")
    status_page.click("button.primary")
    assert "No application matches" in status_page.inner_text("#error-summary")
    shot(status_page, "certificates/06-tracking-wrong-code")
    status_page.fill("#id_number", application.number)
    status_page.fill("#id_access_code", code)
    status_page.click("button.primary")
    status_page.wait_for_selector("#case-status")
    assert status_page.get_attribute("#case-status", "data-status") == "received"
    assert application.number not in status_page.url
    shot(status_page, "certificates/07-status-received")

    # --- the clerk --------------------------------------------------------------------------------
    office_context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    admin = office_context.new_page()
    admin.set_default_timeout(30_000)
    admin.goto(f"{base}/admin/login/?next=/admin/certificates/certificateapplication/")
    admin.fill("#id_username", "registrar")
    admin.fill("#id_password", "correct-horse-battery")
    admin.click('input[type="submit"]')
    admin.wait_for_url("**/admin/certificates/certificateapplication/")
    shot(admin, "certificates/08-admin-queue")
    admin.click(f"text={application.number}")
    admin.wait_for_selector("#case-panel")
    shot(admin, "certificates/09-admin-received")

    def take(transition: str, fill=None, expected: str = "") -> None:
        admin.click(f'a.transition[data-transition="{transition}"]')
        admin.wait_for_selector("#transition-form")
        if fill:
            fill()
        admin.click('#transition-form input[type="submit"]')
        admin.wait_for_selector("#case-panel")
        assert "Done" in admin.inner_text(".messagelist"), admin.inner_text("#content")
        status = CertificateApplication.objects.get(pk=application.pk).status
        assert status == expected, status

    take("register", expected="registered")
    take("refer_to_commission", expected="referred")

    def protocol():
        for member in office["members"]:
            admin.check(f'input[name="members_present"][value="{member.pk}"]')
        admin.select_option("#id_recommendation", "issue")
        shot(admin, "certificates/10-admin-protocol-form")

    take("record_protocol", fill=protocol, expected="assessed")
    shot(admin, "certificates/11-admin-assessed")
    take("issue", expected="issued")
    shot(admin, "certificates/12-admin-issued")

    # --- the applicant sees the result and downloads the certificate --------------------------------
    status_page.reload()
    assert status_page.get_attribute("#case-status", "data-status") == "issued"
    history = status_page.inner_text("#history").lower()
    for label in ("registered", "referred to the Commission", "assessed by the Commission", "issued"):
        assert label.lower() in history
    assert "registrar" not in history
    shot(status_page, "certificates/13-status-issued")
    with status_page.expect_download() as download_info:
        status_page.click("#download-result")
    download = download_info.value
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # --- the start page in Kazakh ---------------------------------------------------------------------
    page.goto(f"{base}/")
    page.click('.lang button[value="kk"]')
    page.wait_for_selector('html[lang="kk"]')
    assert "Өтініш беру" in page.inner_text("main")
    shot(page, "certificates/14-start-page-kk")
    page.goto(f"{base}/certificates/apply/issue/")
    assert "Анықтама беру" in page.inner_text("h1")
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.screenshot(path=str(ARTIFACTS / "certificates" / "15-issue-form-kk.png"))

    for context in (applicant, tracker, office_context):
        context.close()
