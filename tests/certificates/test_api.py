"""The portal's contract (API.md): POST /api/v1/certificate-applications/, GET /api/v1/applications/{number},
GET /api/v1/catalogue/professions/ — every bad input a 4xx problem with its code, nothing created."""

import base64
import copy

import pytest

from casework.models import Attachment, IdempotencyRecord, Person
from certificates import services
from certificates.catalogue import load_catalogue
from certificates.models import CertificateApplication
from tests.certificates.factories import JOB, issued_certificate
from tests.factories import make_identifier
from tests.samples import EXE, PDF, png

pytestmark = pytest.mark.django_db
URL = "/api/v1/certificate-applications/"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.fixture
def body(unit, profession):
    return {
        "kind": "issue",
        "applicant": {
            "surname": "Karimov",
            "given_name": "Aziz",
            "patronymic": None,
            "birth_date": "1990-04-02",
            "citizenship": "UZB",
            "passport_number": "FA1234567",
            "passport_issued_on": "2020-01-10",
            "passport_issuer": "MVD",
            "iin": None,
            "address": "Aktau",
            "phone": "+77011234567",
            "residence_country_address": "Tashkent",
            "email": "aziz@example.org",
        },
        "profession": profession.code,
        "education": [{"kind": "higher", "specialty": "physics", "document_number": "D-1"}],
        "experience_years": 5,
        "documents": [
            {"type": "identity_document", "filename": "passport.pdf", "content_base64": b64(PDF)},
            {"type": "education_document", "filename": "diploma.png", "content_base64": b64(png())},
            {"type": "work_experience", "filename": "work.pdf", "content_base64": b64(PDF)},
        ],
    }


def nothing_created():
    return (
        not CertificateApplication.objects.exists() and not Person.objects.exists() and not Attachment.objects.exists()
    )


def test_portal_files_an_issue_application_and_gets_number_registration_and_due_date(clock, portal, body):
    response = portal.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data == {
        "number": "QC-2026-000001",
        "kind": "issue",
        "status": "received",
        "registered_on": "2026-03-19",
        "due": "2026-03-31",
        "url": "http://testserver/api/v1/applications/QC-2026-000001",
    }
    assert response["Location"] == data["url"]
    application = CertificateApplication.objects.get()
    assert application.channel == "portal" and application.attachments.count() == 3
    assert application.history.get().actor_label == "api:portal-test"


@pytest.mark.parametrize(
    ("mutate", "status", "name", "code"),
    [
        (lambda b: b["applicant"].update(iin="123456789012"), 400, "applicant.iin", "invalid_checksum"),
        (lambda b: b["applicant"].update(iin="12345"), 400, "applicant.iin", "invalid_format"),
        (lambda b: b["applicant"].update(citizenship="XYZ"), 400, "applicant.citizenship", "invalid_country"),
        (lambda b: b["applicant"].update(birth_date="02.04.1990"), 400, "applicant.birth_date", "invalid"),
        (lambda b: b["applicant"].pop("surname"), 400, "applicant.surname", "required"),
        (lambda b: b["applicant"].update(phone="call me maybe"), 400, "applicant.phone", "invalid_phone"),
        (lambda b: b.pop("applicant"), 400, "applicant", "required"),
        (lambda b: b.update(kind="transfer"), 400, "kind", "invalid_choice"),
        (lambda b: b.update(experience_years=-2), 400, "experience_years", "min_value"),
        (lambda b: b.update(experience_years="five"), 400, "experience_years", "invalid"),
        (lambda b: b.pop("experience_years"), 400, "experience_years", "required"),
        (lambda b: b.update(education=[{"kind": "phd"}]), 400, "education.0.kind", "invalid_choice"),
        (lambda b: b.update(profession="0.0.0"), 422, "profession", "unknown_profession"),
        (
            lambda b: b["documents"][1].update(content_base64="%%%not base64%%%"),
            400,
            "documents.1.content_base64",
            "invalid_base64",
        ),
        (
            lambda b: b["documents"][0].update(content_base64=b64(EXE)),
            400,
            "documents.0.content_base64",
            "unsupported_file_type",
        ),
        (lambda b: b["documents"][0].update(type="selfie"), 400, "documents.0.type", "invalid_choice"),
        (lambda b: b["documents"][0].update(content_base64=""), 400, "documents.0.content_base64", "blank"),
        (lambda b: b["documents"][0].pop("filename"), 400, "documents.0.filename", "required"),
        (lambda b: b.update(kind="extend"), 400, "certificate_number", "required"),
        (
            lambda b: b.update(kind="duplicate", certificate_number="QCC-2020-000009"),
            422,
            "certificate_number",
            "certificate_not_found",
        ),
        (lambda b: b.update(employer={"name": "TOO", "bin": "000000000001"}), 400, "employer.bin", "invalid_checksum"),
    ],
)
def test_every_bad_input_is_a_problem_with_its_code_and_nothing_is_created(
    clock, portal, body, mutate, status, name, code
):
    mutate(body)
    response = portal.post(URL, body, format="json")
    assert response.status_code == status, response.json()
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert {"name": name, "code": code} in [{"name": p["name"], "code": p["code"]} for p in problem["invalid_params"]]
    assert nothing_created()


def test_malformed_json_is_400_and_nothing_is_created(clock, portal):
    response = portal.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    assert nothing_created()


def test_key_without_the_submit_scope_is_403_and_without_a_key_401(clock, body):
    from rest_framework.test import APIClient

    from casework.models import ApiClient

    _client, key = ApiClient.issue("reader", ["applications:read"])
    http = APIClient()
    assert http.post(URL, body, format="json").status_code == 401
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = http.post(URL, body, format="json")
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert nothing_created()


def test_replay_with_the_same_idempotency_key_returns_the_first_response_and_creates_nothing(clock, portal, body):
    first = portal.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = portal.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CertificateApplication.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    other = copy.deepcopy(body)
    other["experience_years"] = 6
    reused = portal.post(URL, other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert CertificateApplication.objects.count() == 1


def test_a_failed_request_does_not_burn_its_idempotency_key(clock, portal, body):
    bad = copy.deepcopy(body)
    bad["applicant"]["iin"] = "123456789012"
    assert portal.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 400
    assert portal.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201


def test_extension_with_the_contract_dates_is_filed_and_flagged_late_003_s17(clock, portal, unit, members):
    _app, certificate = issued_certificate(unit, members=members)
    clock.set(2026, 4, 6, 10)
    body = {
        "kind": "extend",
        "applicant": {
            "surname": "Karimov",
            "given_name": "Aziz",
            "birth_date": "1990-04-02",
            "citizenship": "UZB",
            "passport_number": "FA1234567",
        },
        "profession": certificate.profession.code,
        "certificate_number": certificate.number,
        "employer": {"name": "TOO Caspian", "bin": make_identifier(40_000_123_456)},
        "labour_contract": {"concluded_on": "2026-03-27", "ends_on": "2027-03-26"},
        "documents": [{"type": "labour_contract", "filename": "contract.pdf", "content_base64": b64(PDF)}],
    }
    response = portal.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    application = CertificateApplication.objects.get(number=response.json()["number"])
    assert application.kind == "extend" and application.late_filing is True
    assert response.json()["due"] == "2026-04-09"  # 3 working days (003 §16)


def test_application_is_followed_by_number_with_its_history_and_result(clock, portal, unit, members):
    application, certificate = issued_certificate(unit, members=members)
    response = portal.get(f"/api/v1/applications/{application.number}")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["number"], data["kind"], data["status"]) == (application.number, "issue", "issued")
    assert (data["registered_on"], data["due"]) == ("2026-03-19", "2026-03-31")
    assert [h["status"] for h in data["history"]] == ["received", "registered", "referred", "assessed", "issued"]
    assert data["result"] == {
        "document_number": certificate.number,
        "valid_from": "2026-03-19",
        "valid_to": "2026-06-18",
        "pdf": None,
    }
    assert response["ETag"] == f'"{CertificateApplication.objects.get(pk=application.pk).version}"'


def test_a_refused_application_shows_the_refusal_number(clock, portal, unit, members):
    from tests.certificates.test_services import assessed

    application = assessed(unit, members)
    services.refuse_application(application, actor=JOB, ground="unreliable_documents", motivation="forged diploma")
    data = portal.get(f"/api/v1/applications/{application.number}").json()
    assert data["status"] == "refused" and data["result"]["document_number"] == "QCR-2026-000001"


def test_unknown_application_number_is_404(clock, portal):
    for number in ("QC-2026-999999", "ZZ-2026-000001", "nonsense"):
        response = portal.get(f"/api/v1/applications/{number}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_catalogue_of_professions_is_served_in_kazakh_and_russian_paginated(portal):
    load_catalogue()
    response = portal.get("/api/v1/catalogue/professions/?page_size=5")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] > 90 and len(data["results"]) == 5 and data["next"]
    first = data["results"][0]
    assert first["code"] == "1.1.1.1"
    assert first["name"] == {
        "kk": "биология мұғалімі (шет тілін білетін)",
        "ru": "учитель биологии (со знанием иностранного языка)",
    }
    assert first["sector"] == {"code": "1", "kk": "Білім беру", "ru": "Образование"}
    assert first["group"]["ru"].startswith("Учитель")
    health = portal.get("/api/v1/catalogue/professions/?sector=2").json()
    assert health["count"] == 11


def test_catalogue_needs_the_read_scope(db):
    from rest_framework.test import APIClient

    from casework.models import ApiClient

    _client, key = ApiClient.issue("submitter", ["applications:submit"])
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert http.get("/api/v1/catalogue/professions/").status_code == 403


def test_submission_through_the_service_and_the_api_give_the_same_shape(clock, portal, body):
    """The public form calls the same service: a DocumentUpload list works as the API's decoded bodies."""
    application, code = services.submit_application(
        kind="issue",
        applicant=body["applicant"],
        profession=body["profession"],
        education=body["education"],
        experience_years=5,
        documents=[services.DocumentUpload("identity_document", "p.pdf", PDF)],
        actor=JOB,
        channel="web_form",
    )
    assert application.channel == "web_form" and code
