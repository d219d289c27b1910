"""The shared public channel (casework.public): base form, receipt, tracking, rate limits, sessions, languages.

Exercised through a minimal demo service on tests.caseapp.DemoCase, registered the way every real
service registers itself; this module is also the URLconf of its tests (pytest.mark.urls).
"""

import datetime as dt
import logging
import re
import string

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client as DjangoClient
from django.urls import include, path
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from casework.actors import Actor
from casework.documents import attach
from casework.exceptions import RuleViolation
from casework.models import Attachment, Channel, NumberSequence, Person, TerritorialUnit, TransitionLog
from casework.public.forms import DocumentField, PublicApplicationForm
from casework.public.registry import (
    PublicDocument,
    public_services,
    register_public_service,
    unregister_public_service,
)
from casework.public.views import PublicApplicationView, Submitted
from casework.services import record_history, run_transition
from tests.caseapp.models import DemoCase
from tests.factories import DistrictFactory, make_identifier
from tests.public_pages import error_of
from tests.samples import EXE, PDF, jpeg, padded_pdf, png

# --- the demo service ---------------------------------------------------------------------------


class DemoForm(PublicApplicationForm):
    identity = DocumentField("identity_document")
    experience = DocumentField("work_experience", required=False)


class DemoApplicationView(PublicApplicationView):
    service_slug = "demo"
    form_class = DemoForm

    def submit(self, form):
        if form.cleaned_data["passport_number"] == "BLOCKED1":
            raise RuleViolation(
                "refused",
                code="passport_blocked",
                invalid_params=[
                    {
                        "name": "applicant.passport_number",
                        "code": "passport_blocked",
                        "reason": "This passport is on the demo block list.",
                    }
                ],
            )
        now = timezone.now()
        with transaction.atomic():
            person = Person.objects.create(**form.applicant_data())
            case = DemoCase(
                number=NumberSequence.next_number("DC", now.year),
                kind="issue",
                channel=Channel.WEB_FORM,
                regulation_version="test",
                unit=TerritorialUnit.objects.order_by("pk").first(),
                received_at=now,
                registered_on=timezone.localdate(),
                due_date=timezone.localdate() + dt.timedelta(days=7),
                applicant=person,
            )
            code = case.issue_access_code()
            case.save()
            for document in form.documents():
                attach(case, document.doc_type, document.filename, document.content, uploaded_by="applicant")
            record_history(case, transition="receive", from_state="", to_state="received", actor=Actor.applicant())
        return Submitted(case, code)


def demo_result(case):
    if case.status != "decided":
        return None
    return PublicDocument("decision.pdf", PDF)


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("demo/apply/", DemoApplicationView.as_view(), name="demo_apply"),
    path("", include("casework.urls")),
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def demo_service():
    cache.clear()  # rate-limit counters
    register_public_service(
        "demo",
        "Demo service",
        "demo_apply",
        "A service used by the tests.",
        model=DemoCase,
        result_document=demo_result,
    )
    DistrictFactory()
    yield
    unregister_public_service("demo")
    cache.clear()


def Client(**defaults):  # noqa: N802 - stands in for django.test.Client
    """A browser that asks for English pages (the site's default is Russian)."""
    defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return DjangoClient(**defaults)


@pytest.fixture
def client():
    return Client()


def valid_data(**overrides):
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
        "address": "Almaty, Abay 1",
        "phone": "+7 701 123 45 67",
        "email": "aziz@example.com",
        "residence_country_address": "Tashkent, Navoi 5",
        "consent": "on",
    }
    data.update(overrides)
    return data


def files(**overrides):
    chosen = {"identity": SimpleUploadedFile("passport.pdf", PDF, "application/pdf")}
    chosen.update(overrides)
    return {k: v for k, v in chosen.items() if v is not None}


def post_form(client, data=None, upload=None, **extra):
    return client.post(
        "/demo/apply/", {**(data or valid_data()), **(upload if upload is not None else files())}, **extra
    )


def nothing_created():
    return not DemoCase.objects.exists() and not Person.objects.exists() and not Attachment.objects.exists()


def file_and_track(client=None):
    client = client or Client()
    response = post_form(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    receipt = client.get(response["Location"])
    code = re.search(r'id="access-code-value">([^<]+)<', receipt.content.decode()).group(1)
    return client, DemoCase.objects.get(), code, response["Location"]


# --- start page -----------------------------------------------------------------------------------


def test_start_page_lists_each_registered_service_with_a_link_to_its_form(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/demo/apply/"' in response.content.decode()
    assert "Demo service" in response.content.decode()
    assert [s.slug for s in public_services()].count("demo") == 1


def test_a_service_whose_form_route_is_missing_is_not_offered(client):
    register_public_service("ghost", "Ghost service", "nowhere:apply", "")
    try:
        assert "Ghost service" not in client.get("/").content.decode()
    finally:
        unregister_public_service("ghost")


# --- the form: every bad input has its own error and creates nothing --------------------------------

REQUIRED = {
    "surname": "This field is required.",
    "given_name": "This field is required.",
    "birth_date": "This field is required.",
    "citizenship": "This field is required.",
    "passport_number": "This field is required.",
    "passport_issued_on": "This field is required.",
    "passport_issuer": "This field is required.",
    "address": "This field is required.",
    "phone": "This field is required.",
    "residence_country_address": "This field is required.",
    "consent": "The application cannot be accepted without your consent.",
}


@pytest.mark.parametrize("field", sorted(REQUIRED))
def test_each_missing_required_field_gets_its_own_error_and_nothing_is_created(client, field):
    data = valid_data()
    data.pop(field)
    response = post_form(client, data)
    assert response.status_code == 200
    assert error_of(response, field) == REQUIRED[field]
    others = [name for name in REQUIRED if name != field and error_of(response, name)]
    assert others == []
    assert nothing_created()


def test_missing_required_document_is_reported_next_to_it(client):
    response = post_form(client, upload={})
    assert error_of(response, "identity") == "Attach this document."
    assert nothing_created()


def test_optional_fields_may_be_left_empty(client):
    response = post_form(client, valid_data(patronymic="", iin="", email=""))
    assert response.status_code == 302
    assert DemoCase.objects.count() == 1


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("12345678901", "Ensure this value has at least 12 characters (it has 11)."),
        ("12345678901X", "IIN: must be exactly 12 digits"),
        (
            make_identifier(900_101_300_000)[:11] + str((int(make_identifier(900_101_300_000)[11]) + 1) % 10),
            "IIN: the check digit (12th digit) does not match",
        ),
    ],
)
def test_bad_iin_is_refused_with_the_iin_error(client, iin, message):
    response = post_form(client, valid_data(iin=iin))
    assert message in error_of(response, "iin")
    assert nothing_created()


def test_a_valid_iin_is_accepted(client):
    response = post_form(client, valid_data(iin=make_identifier(900_101_300_000)))
    assert response.status_code == 302
    assert Person.objects.get().iin == make_identifier(900_101_300_000)


def test_disguised_executable_is_refused_next_to_its_field_and_nothing_is_created(client):
    upload = files(identity=SimpleUploadedFile("passport.pdf", EXE, "application/pdf"))
    response = post_form(client, upload=upload)
    assert "is not a PDF, JPEG or PNG file" in error_of(response, "identity")
    assert "passport.pdf" in error_of(response, "identity")
    assert error_of(response, "experience") == ""
    assert nothing_created()


def test_a_file_over_10_mb_is_refused_before_reading_it(client):
    upload = files(identity=SimpleUploadedFile("big.pdf", padded_pdf(10 * 1024 * 1024 + 1), "application/pdf"))
    response = post_form(client, upload=upload)
    assert "at most 10 MB is accepted" in error_of(response, "identity")
    assert nothing_created()


def test_jpeg_and_png_are_accepted_by_content_whatever_their_names(client):
    upload = files(
        identity=SimpleUploadedFile("scan.bin", jpeg(), "application/octet-stream"),
        experience=SimpleUploadedFile("x.pdf", png(), "application/pdf"),
    )
    assert post_form(client, upload=upload).status_code == 302
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "2999-01-01", "The date of birth cannot be in the future."),
        ("birth_date", "31.02.1990", "Enter a valid date."),
        ("passport_issued_on", "1980-01-01", "The date of issue is before the date of birth."),
        ("citizenship", "ZZZ", "Select a valid choice. ZZZ is not one of the available choices."),
        ("phone", "call me", "Phone: use digits, spaces and an optional leading +."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("surname", "R2D2", "Use letters only (spaces, hyphens and apostrophes are allowed)."),
        ("address", "<script>", "This text contains characters that are not allowed."),
    ],
)
def test_each_invalid_value_gets_its_specific_error(client, field, value, message):
    response = post_form(client, valid_data(**{field: value}))
    assert error_of(response, field) == message
    assert nothing_created()


def test_names_in_any_alphabet_with_hyphens_and_apostrophes_are_accepted(client):
    response = post_form(client, valid_data(surname="Қасымов-O’Neil", given_name="Әлия", patronymic="Ибн Сина"))
    assert response.status_code == 302


def test_stateless_person_can_apply(client):
    assert post_form(client, valid_data(citizenship="XXA")).status_code == 302


def test_a_service_refusal_is_shown_next_to_the_field_it_names_and_nothing_is_created(client):
    response = post_form(client, valid_data(passport_number="BLOCKED1"))
    assert error_of(response, "passport_number") == "This passport is on the demo block list."
    assert nothing_created()


def test_form_is_protected_by_csrf():
    client = Client(enforce_csrf_checks=True)
    assert post_form(client).status_code == 403
    assert nothing_created()


def test_no_personal_data_goes_to_the_logs(client, caplog):
    with caplog.at_level(logging.DEBUG):
        post_form(client)
        post_form(client, valid_data(iin="12345678901X"))
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("Karimov", "FA1234567", "aziz@example.com", "Tashkent", "12345678901X"):
        assert secret not in text


# --- receipt ------------------------------------------------------------------------------------


def test_successful_submission_gives_a_receipt_with_number_dates_and_the_code_once(client):
    response = post_form(client)
    assert response.status_code == 302
    case = DemoCase.objects.get()
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert case.number in html
    assert case.due_date.strftime("%d.%m.%Y") in html
    assert case.registered_on.strftime("%d.%m.%Y") in html
    code = re.search(r'id="access-code-value">([^<]+)<', html).group(1)
    assert case.check_access_code(code)
    assert "It is shown only once" in html
    assert "private" in receipt["Cache-Control"] and "no-store" in receipt["Cache-Control"]
    again = client.get(response["Location"]).content.decode()
    assert case.number in again and code not in again and "access-code-value" not in again


def test_the_upload_script_gets_the_receipt_address_instead_of_a_redirect(client):
    response = post_form(client, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 200
    url = response.json()["redirect"]
    assert "access-code-value" in client.get(url).content.decode()  # the code was not used up by the XHR


def test_the_receipt_is_not_open_to_another_browser(client):
    response = post_form(client)
    other = Client()
    page = other.get(response["Location"])
    assert page.status_code == 404
    assert DemoCase.objects.get().number not in page.content.decode()


def test_without_a_receipt_document_the_page_offers_printing_only(client):
    response = post_form(client)
    html = client.get(response["Location"]).content.decode()
    assert "receipt.pdf" not in html and "data-print" in html


def test_a_receipt_document_is_offered_when_the_service_provides_one(client):
    register_public_service(
        "demo",
        "Demo service",
        "demo_apply",
        "",
        model=DemoCase,
        receipt_document=lambda case: PublicDocument(f"{case.number}.pdf", PDF),
    )
    response = post_form(client)
    html = client.get(response["Location"]).content.decode()
    pdf_url = re.search(r'href="([^"]+receipt\.pdf)"', html).group(1)
    download = client.get(pdf_url)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert Client().get(pdf_url).status_code == 404


# --- tracking -------------------------------------------------------------------------------------


def test_tracking_with_the_right_code_shows_status_history_and_expected_date():
    _, case, code, _ = file_and_track()
    client = Client()
    response = client.post("/track/", {"number": case.number.lower(), "access_code": code})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert case.number in html
    assert 'data-status="received"' in html
    assert case.due_date.strftime("%d.%m.%Y") in html
    assert 'id="history"' in html
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]


def test_tracking_is_a_post_form_never_a_query_string(client):
    response = client.get("/track/", {"number": "DC-2026-000001", "access_code": "x"})
    assert response.status_code == 200
    assert "No application matches" not in response.content.decode()
    assert 'method="post"' in response.content.decode()


def test_wrong_code_and_unknown_number_give_the_same_generic_message():
    _, case, code, _ = file_and_track()
    wrong = Client().post("/track/", {"number": case.number, "access_code": code + "x"})
    unknown = Client().post("/track/", {"number": "DC-1999-999999", "access_code": code})

    def message(response):
        return re.search(r'id="error-summary"[^>]*>(.*?)</div>', response.content.decode(), re.S).group(1)

    assert wrong.status_code == unknown.status_code == 200
    assert message(wrong) == message(unknown)
    assert "No application matches this number and access code" in message(wrong)
    assert case.number not in message(wrong)


def test_history_shows_status_date_and_reason_but_never_the_clerk():
    from tests.factories import ClerkFactory

    client, case, code, _ = file_and_track()
    clerk = ClerkFactory(is_superuser=True, username="registrar.anna")
    run_transition(DemoCase, case.pk, "register", actor=Actor.clerk(clerk), reason="Documents complete")
    response = client.post("/track/", {"number": case.number, "access_code": code})
    html = client.get(response["Location"]).content.decode()
    assert "registered" in html and "Documents complete" in html
    assert "registrar.anna" not in html


def test_the_result_is_downloadable_once_decided_and_only_by_a_session_that_proved_the_code():
    from tests.factories import ClerkFactory

    client, case, code, _ = file_and_track()
    response = client.post("/track/", {"number": case.number, "access_code": code})
    status_url = response["Location"]
    assert "Download the result" not in client.get(status_url).content.decode()

    clerk = ClerkFactory(is_superuser=True)
    run_transition(DemoCase, case.pk, "register", actor=Actor.clerk(clerk))
    run_transition(DemoCase, case.pk, "decide", actor=Actor.clerk(clerk))
    html = client.get(status_url).content.decode()
    result_url = re.search(r'id="download-result" href="([^"]+)"', html).group(1)
    download = client.get(result_url)
    assert download.status_code == 200 and download.content == PDF
    assert 'filename="decision.pdf"' in download["Content-Disposition"]
    assert Client().get(result_url).status_code == 404


def test_a_new_access_code_closes_the_sessions_opened_with_the_old_one():
    client, case, code, _ = file_and_track()
    status_url = client.post("/track/", {"number": case.number, "access_code": code})["Location"]
    assert client.get(status_url).status_code == 200
    fresh = DemoCase.objects.get(pk=case.pk)
    fresh.issue_access_code()
    DemoCase.objects.filter(pk=case.pk).update(access_code_hash=fresh.access_code_hash)
    assert client.get(status_url).status_code == 404


def test_forgetting_an_application_closes_it_in_this_browser():
    client, case, code, _ = file_and_track()
    status_url = client.post("/track/", {"number": case.number, "access_code": code})["Location"]
    client.post(status_url + "forget/")
    assert client.get(status_url).status_code == 404


def test_complaint_link_is_hidden_while_the_complaints_service_has_no_public_page():
    client, case, code, _ = file_and_track()
    status_url = client.post("/track/", {"number": case.number, "access_code": code})["Location"]
    assert "file-complaint" not in client.get(status_url).content.decode()


# --- rate limits ----------------------------------------------------------------------------------


def test_eleventh_lookup_in_ten_minutes_from_one_address_gets_429():
    client = Client()
    for _ in range(10):
        assert client.post("/track/", {"number": "DC-2026-000001", "access_code": "nope"}).status_code == 200
    response = client.post("/track/", {"number": "DC-2026-000001", "access_code": "nope"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 600
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.1.2.3").post("/track/", {"number": "X", "access_code": "y"}).status_code == 200


def test_a_right_code_after_the_limit_is_still_refused():
    _, case, code, _ = file_and_track()
    client = Client()
    for _ in range(10):
        client.post("/track/", {"number": case.number, "access_code": "guess"})
    assert client.post("/track/", {"number": case.number, "access_code": code}).status_code == 429


def test_twenty_first_submission_in_an_hour_from_one_address_gets_429(settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": (3, 3600)}
    client = Client()
    for _ in range(3):
        assert post_form(client, valid_data(surname="")).status_code == 200
    response = post_form(client)
    assert response.status_code == 429
    assert nothing_created()


def test_the_default_submission_limit_is_20_an_hour():
    from casework.public.ratelimit import limits

    assert limits()["submit"] == (20, 3600)
    assert limits()["track"] == (10, 600)


# --- no personal data in URLs ---------------------------------------------------------------------


def test_no_personal_data_in_any_url():
    data = valid_data(iin=make_identifier(900_101_300_000))
    client = Client()
    seen = []
    response = post_form(client, data)
    seen.append(response["Location"])
    case = DemoCase.objects.get()
    for url in list(seen):
        html = client.get(url).content.decode()
        seen += re.findall(r'(?:href|action|src)="([^"]*)"', html)
    code = re.search(r'id="access-code-value">([^<]+)<', client.get(seen[0]).content.decode() or "")
    track = client.post("/track/", {"number": case.number, "access_code": code.group(1) if code else ""})
    if track.status_code == 302:
        seen.append(track["Location"])
        seen += re.findall(r'(?:href|action|src)="([^"]*)"', client.get(track["Location"]).content.decode())
    secrets_ = [
        data["surname"],
        data["given_name"],
        data["passport_number"],
        data["iin"],
        data["phone"],
        data["email"],
        case.number,
        "1990-04-02",
    ]
    for url in seen:
        for secret in secrets_:
            assert secret.lower() not in url.lower(), (secret, url)


# --- languages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("kk", "Өтінішті нөмірі мен қол жеткізу коды бойынша бақылау"),
        ("ru", "Отследить заявление по номеру и коду доступа"),
        ("en", "Track an application with its number and access code"),
    ],
)
def test_language_switch_shows_the_page_in_that_language(client, language, text):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)
    assert text in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("kk", ["Тегі", "дербес деректерімді", "Өтінішті жіберу", "Өзбекстан"]),
        ("ru", ["Фамилия", "персональных данных", "Отправить заявление", "Узбекистан"]),
    ],
)
def test_the_form_is_translated_including_the_country_names(client, language, texts):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/demo/apply/").content.decode()
    for text in texts:
        assert text in html


def test_errors_are_translated_too(client):
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    response = post_form(client, valid_data(consent=""))
    assert "Заявление не может быть принято без вашего согласия." in error_of(response, "consent")


# --- random input never breaks the form -----------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
FIELD_VALUES = {
    "surname": st.one_of(TEXT, st.just("Karimov")),
    "given_name": st.one_of(TEXT, st.just("Aziz")),
    "patronymic": TEXT,
    "birth_date": st.one_of(TEXT, st.dates().map(str), st.just("1990-04-02")),
    "citizenship": st.one_of(TEXT, st.sampled_from(["UZB", "XXA", "KAZ", "uzb", ""])),
    "passport_number": st.one_of(TEXT, st.text(alphabet=string.ascii_uppercase + string.digits, max_size=32)),
    "passport_issued_on": st.one_of(TEXT, st.dates().map(str)),
    "passport_issuer": TEXT,
    "iin": st.one_of(st.just(""), st.text(alphabet=string.digits, min_size=11, max_size=13), TEXT),
    "address": TEXT,
    "phone": st.one_of(TEXT, st.from_regex(r"\+?[0-9 ]{7,20}", fullmatch=True)),
    "email": st.one_of(TEXT, st.emails()),
    "residence_country_address": TEXT,
    "consent": st.sampled_from(["on", "", "off", "true"]),
}
UPLOADS = st.sampled_from(["pdf", "exe", "empty", "none", "png"])


def upload_for(kind):
    content = {"pdf": PDF, "exe": EXE, "empty": b"", "png": png()}.get(kind)
    return {} if content is None else {"identity": SimpleUploadedFile("doc.pdf", content, "application/pdf")}


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional=FIELD_VALUES), upload=UPLOADS)
def test_random_input_never_causes_an_error_page_and_invalid_input_creates_nothing(settings, data, upload):
    settings.PUBLIC_RATE_LIMITS = {"submit": (10**6, 3600)}
    client = Client()
    before = (
        DemoCase.objects.count(),
        Person.objects.count(),
        Attachment.objects.count(),
        TransitionLog.objects.count(),
    )
    response = post_form(client, data, upload=upload_for(upload))
    assert response.status_code in (200, 302)
    after = (
        DemoCase.objects.count(),
        Person.objects.count(),
        Attachment.objects.count(),
        TransitionLog.objects.count(),
    )
    if response.status_code == 200:
        assert after == before
        assert "field-error" in response.content.decode()
    else:
        assert after[0] == before[0] + 1


def test_rate_limit_counts_the_address_the_trusted_proxy_saw_not_what_the_client_claims(rf, settings):
    from casework.public.ratelimit import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # "1.2.3.4" was written by the client itself
