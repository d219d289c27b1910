"""POST /api/v1/job-seeker-registrations/ and /api/v1/unemployed-registrations/ (API.md conventions)."""

import base64
import datetime as dt

import pytest

from jobseekers.models import JobSeekerRegistration, UnemployedRegistration
from tests.casework.api_urls import portal_client
from tests.factories import make_identifier
from tests.samples import EXE, PDF

from .conftest import citizen

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.jobseekers.urls")]

JS_URL = "/api/v1/job-seeker-registrations/"
UE_URL = "/api/v1/unemployed-registrations/"


def applicant_json(**overrides):
    data = citizen(**overrides)
    data["birth_date"] = data["birth_date"].isoformat()
    return data


def body(unit, **overrides):
    data = {"applicant": applicant_json(), "residency": "citizen", "unit": unit.code, "documents": []}
    data.update(overrides)
    return data


@pytest.fixture
def http():
    return portal_client()[1]


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    data = response.json()
    assert data["code"] == code
    return data


def test_job_seeker_registration_is_created_with_same_day_due(http, unit, clock):
    clock.set(2026, 3, 19, 10, 0)
    response = http.post(
        JS_URL,
        body(
            unit,
            documents=[
                {"type": "identity_document", "filename": "id.pdf", "content_base64": base64.b64encode(PDF).decode()}
            ],
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("JS-2026-") and data["kind"] == "job_seeker" and data["status"] == "received"
    assert data["registered_on"] == data["due"] == "2026-03-19"
    assert response["Location"] == f"/api/v1/applications/{data['number']}"
    case = JobSeekerRegistration.objects.get(number=data["number"])
    assert case.channel == "portal" and case.attachments.count() == 1


def test_unemployed_registration_due_3_wd_across_nauryz(http, unit, clock):
    clock.set(2026, 3, 19, 10, 0)
    response = http.post(UE_URL, body(unit, notify_by="sms"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["due"] == "2026-03-27"


def test_same_idempotency_key_replays_without_creating(http, unit):
    payload = body(unit)
    first = http.post(JS_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = http.post(JS_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert JobSeekerRegistration.objects.count() == 1
    other = http.post(JS_URL, body(unit), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    problem(other, 422, "idempotency_key_reused")


@pytest.mark.parametrize(
    ("change", "status", "code", "param", "param_code"),
    [
        ({"applicant": {"iin": "900402300019"}}, 400, "invalid", "applicant.iin", "invalid_checksum"),
        ({"applicant": {"iin": "12345"}}, 400, "invalid", "applicant.iin", "invalid_format"),
        ({"applicant": {"iin": ""}}, 400, "invalid", "applicant.iin", "required"),
        ({"applicant": {"citizenship": "XXX"}}, 400, "invalid", "applicant.citizenship", "invalid_country"),
        ({"applicant": {"citizenship": "RUS"}}, 400, "invalid", "applicant.citizenship", "citizenship_mismatch"),
        ({"applicant": {"birth_date": "02.04.1990"}}, 400, "invalid", "applicant.birth_date", "invalid"),
        ({"applicant": {"surname": None}}, 400, "invalid", "applicant.surname", "null"),
        ({"residency": "tourist"}, 400, "invalid", "residency", "invalid_choice"),
        (
            {"residency": "permanent_resident", "applicant": {"citizenship": "RUS", "iin": ""}},
            400,
            "invalid",
            "residence_document_number",
            "required",
        ),
        ({"unit": "000000000"}, 400, "invalid", "unit", "does_not_exist"),
        (
            {"documents": [{"type": "identity_document", "filename": "a.pdf", "content_base64": "@@@"}]},
            400,
            "invalid",
            "documents.0.content_base64",
            "invalid_base64",
        ),
        (
            {"documents": [{"type": "selfie", "filename": "a.pdf", "content_base64": "QQ=="}]},
            400,
            "invalid",
            "documents.0.type",
            "invalid_choice",
        ),
        (
            {
                "documents": [
                    {
                        "type": "identity_document",
                        "filename": "id.pdf",
                        "content_base64": base64.b64encode(EXE).decode(),
                    }
                ]
            },
            400,
            "unsupported_file_type",
            "documents.0",
            "unsupported_file_type",
        ),
    ],
)
def test_each_bad_input_has_its_code_and_creates_nothing(http, unit, change, status, code, param, param_code):
    payload = body(unit)
    for key, value in change.items():
        if key == "applicant":
            payload["applicant"].update(value)
        else:
            payload[key] = value
    data = problem(http.post(JS_URL, payload, format="json"), status, code)
    assert {"name": param, "code": param_code} in [
        {"name": p["name"], "code": p["code"]} for p in data["invalid_params"]
    ], data
    assert not JobSeekerRegistration.objects.exists()
    from casework.models import Attachment, Person

    assert not Person.objects.exists() and not Attachment.objects.exists()


def test_unemployed_bad_inputs(http, unit):
    problem(http.post(UE_URL, body(unit), format="json"), 400, "invalid")  # notify_by missing
    data = problem(http.post(UE_URL, body(unit, notify_by="pigeon"), format="json"), 400, "invalid")
    assert data["invalid_params"][0]["name"] == "notify_by"
    data = problem(
        http.post(UE_URL, body(unit, notify_by="email", applicant=applicant_json(email="")), format="json"),
        400,
        "invalid",
    )
    assert data["invalid_params"][0] == {
        "name": "applicant.email",
        "code": "required",
        "reason": data["invalid_params"][0]["reason"],
    }
    assert not UnemployedRegistration.objects.exists()


def test_a_second_open_registration_is_422_already_registered(http, unit):
    person = applicant_json()
    assert http.post(JS_URL, body(unit, applicant=person), format="json").status_code == 201
    data = problem(http.post(JS_URL, body(unit, applicant=person), format="json"), 422, "already_registered")
    assert data["invalid_params"][0]["code"] == "already_registered"
    assert JobSeekerRegistration.objects.count() == 1


def test_malformed_json_and_missing_scope(unit):
    _client, http = portal_client(scopes=("applications:read",))
    problem(http.post(JS_URL, body(unit), format="json"), 403, "insufficient_scope")
    _client, http = portal_client(name="sc", kind="state_corporation")
    problem(http.post(JS_URL, "{not json", content_type="application/json"), 400, "malformed_json")
    response = http.post(JS_URL, body(unit), format="json")
    assert JobSeekerRegistration.objects.get(number=response.json()["number"]).channel == "state_corporation"


def test_application_is_found_by_number_with_history(http, unit):
    number = http.post(UE_URL, body(unit, notify_by="sms"), format="json").json()["number"]
    response = http.get(f"/api/v1/applications/{number}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["kind"] == "unemployed" and data["status"] == "received" and data["result"] is None
    assert [h["status"] for h in data["history"]] == ["received"]


def test_openapi_documents_both_endpoints_with_examples():
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/v1/schema/?format=json").json()
    for path in (JS_URL, UE_URL):
        operation = schema["paths"][path]["post"]
        assert "applications:submit" in operation["description"]
        assert operation["requestBody"]["content"]["application/json"]["examples"]
        assert {"201", "400", "422"} <= set(operation["responses"])


def test_valid_foreigner_with_residence_permit(http, unit):
    payload = body(
        unit,
        residency="permanent_resident",
        residence_document_number="F01234567",
        applicant=applicant_json(citizenship="UZB", iin=make_identifier(770101400000)),
    )
    assert http.post(JS_URL, payload, format="json").status_code == 201
    assert dt.date  # keep import for readability of dates above
