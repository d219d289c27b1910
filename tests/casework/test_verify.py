"""The public check ``GET /verify/<number>`` (API.md): genuine and valid, or why not; only what is printed."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from casework.models.issued import DocumentKind, DocumentStatus
from casework.pdf import issue_document, set_document_status

GENERIC = "documents/generic.html"


@pytest.fixture(autouse=True)
def fresh_rate_limit_window():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(make_case):
    """A certificate-kind document of a demo case, both languages, with what it prints recorded."""
    case = make_case()
    case.applicant.passport_number = "N98765432"
    case.applicant.address = "Ақтау, 5 шағын аудан, 12"
    case.applicant.save()

    def issue(language):
        return issue_document(
            case,
            DocumentKind.CERTIFICATE,
            GENERIC,
            {"paragraphs": ["Анықтама"]},
            language,
            holder_name="Қасымов Әлібек",
            valid_from=dt.date(2026, 3, 2),
            valid_to=timezone.localdate() + dt.timedelta(30),
            printed={"profession": "Бағдарламашы" if language == "kk" else "Программист"},
            issuer="Маңғыстау облысы" if language == "kk" else "Мангистауская область",
        )

    kk = issue("kk")
    issue("ru")
    return kk


def get(client, number, language="ru", **extra):
    return client.get(f"/verify/{number}", HTTP_ACCEPT_LANGUAGE=language, **extra)


def test_a_valid_document_is_shown_as_genuine_and_valid_with_what_it_prints(client, certificate):
    response = get(client, certificate.number, "ru")
    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.number in page
    assert "Қасымов Әлібек" in page
    assert "Программист" in page and "Мангистауская область" in page  # the Russian copy's facts
    assert "02.03.2026" in page
    assert 'class="verify-status"' in page and "verify-valid" in page
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_kazakh_page_shows_the_kazakh_copy(client, certificate):
    page = get(client, certificate.number, "kk").content.decode()
    assert "Бағдарламашы" in page and "Маңғыстау облысы" in page
    assert '<html lang="kk">' in page


def test_a_revoked_document_is_shown_as_revoked(client, certificate):
    set_document_status(certificate.case, DocumentStatus.REVOKED, reason="act No. 17 of the labour inspection")
    response = get(client, certificate.number, "en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "verify-revoked" in page and "verify-valid" not in page
    assert "act No. 17" not in page  # the reason stays in the office


def test_a_document_past_its_term_is_shown_as_expired_before_any_job_ran(client, make_case):
    document = issue_document(
        make_case(), DocumentKind.CERTIFICATE, GENERIC, {}, "ru", valid_to=timezone.localdate() - dt.timedelta(1)
    )
    assert document.status == DocumentStatus.VALID
    assert "verify-expired" in get(client, document.number).content.decode()


def test_an_unknown_number_is_a_404_page_saying_there_is_no_such_document(client, db):
    response = get(client, "QC-C-2026-999999", "en")
    assert response.status_code == 404
    assert "No such document" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("number", ["<script>", "QC C 2026", "a" * 41, "QC-C-2026-000001;drop"])
def test_a_malformed_number_is_a_404_not_an_error(client, db, number):
    response = client.get("/verify/" + quote(number, safe=""))
    assert response.status_code == 404
    assert b"<script>" not in response.content


def test_no_personal_data_beyond_what_is_printed(client, certificate):
    page = get(client, certificate.number).content.decode()
    applicant = certificate.case.applicant
    for private in (
        applicant.passport_number,
        applicant.address,
        applicant.birth_date.strftime("%d.%m.%Y"),
        certificate.case.number,
        certificate.file.name,
        certificate.sha256,
    ):
        assert private not in page


def test_a_lower_case_number_finds_the_document(client, certificate):
    assert get(client, certificate.number.lower()).status_code == 200


@override_settings(VERIFY_RATE_LIMIT_PER_MINUTE=60)
def test_sixty_checks_a_minute_per_address_then_429(client, certificate):
    for _ in range(60):
        assert get(client, certificate.number).status_code == 200
    response = get(client, certificate.number)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60  # seconds until this minute's window ends
    # another address is not limited
    assert get(client, certificate.number, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_verify_accepts_only_safe_methods(client, certificate):
    assert client.post(f"/verify/{certificate.number}").status_code == 405
