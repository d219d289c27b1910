"""POST /api/v1/complaints/ exactly as API.md fixes it."""

import base64
import datetime as dt

import pytest
from rest_framework.test import APIClient

from casework.models import ApiClient
from complaints import rules
from complaints.models import Complaint
from tests.factories import PersonFactory
from tests.samples import PDF
from workcalendar import services as calendar

from .conftest import body, identity

URL = "/api/v1/complaints/"


@pytest.fixture
def portal(db):
    _client, key = ApiClient.issue("portal", ["applications:submit"], "portal")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def post(api, data, **headers):
    return api.post(URL, data, format="json", **headers)


def test_complaint_filed_through_the_api_returns_201_number_status_registered_on_due(portal, application):
    data = body(
        application,
        documents=[
            {"type": "complaint_evidence", "filename": "letter.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
    )
    response = post(portal, data)
    assert response.status_code == 201, response.content
    payload = response.json()
    assert set(payload) == {"number", "status", "registered_on", "due"}
    complaint = Complaint.objects.get(number=payload["number"])
    assert payload["status"] == "registered" and complaint.channel == "portal"
    registered = dt.date.fromisoformat(payload["registered_on"])
    assert payload["due"] == calendar.add_working_days(registered, 5).isoformat()  # 003 §25, 004 §33
    assert complaint.attachments.count() == 1


def test_due_is_15_working_days_for_the_quality_control_body_003_s26_004_s34(portal, application):
    payload = post(portal, body(application, addressee=rules.QUALITY_CONTROL)).json()
    registered = dt.date.fromisoformat(payload["registered_on"])
    assert payload["due"] == calendar.add_working_days(registered, 15).isoformat()


def test_a_complainant_who_is_not_the_applicant_gets_403_not_a_party(portal, application):
    response = post(portal, body(application, complainant=identity(PersonFactory())))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_a_party"
    assert not Complaint.objects.exists()


def test_the_same_idempotency_key_and_body_returns_the_first_response_and_creates_nothing(portal, application):
    first = post(portal, body(application), HTTP_IDEMPOTENCY_KEY="c-1")
    again = post(portal, body(application), HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Complaint.objects.count() == 1
    reused = post(portal, body(application, text="Another text"), HTTP_IDEMPOTENCY_KEY="c-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("overrides", "status", "code", "param"),
    [
        ({"subject": "opinion"}, 400, "invalid_choice", "subject"),
        ({"addressee": ""}, 400, "required", "addressee"),
        ({"text": ""}, 400, "required", "text"),
        ({"application_number": "DC-2026-777777"}, 422, "application_not_found", "application_number"),
        ({"complainant": {"surname": "X"}}, 400, "required", "complainant.given_name"),
    ],
)
def test_bad_input_is_a_problem_with_its_code_and_creates_nothing(portal, application, overrides, status, code, param):
    response = post(portal, body(application, **overrides))
    assert response.status_code == status, response.content
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert param in [p["name"] for p in problem["invalid_params"]]
    assert code in [p["code"] for p in problem["invalid_params"]]
    assert not Complaint.objects.exists()


def test_malformed_json_and_a_list_body_are_400(portal, application):
    response = portal.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"
    response = portal.post(URL, [1, 2], format="json")
    assert response.status_code == 400 and not Complaint.objects.exists()


def test_without_a_key_401_and_without_the_scope_403(application, db):
    assert APIClient().post(URL, body(application), format="json").status_code == 401
    _client, key = ApiClient.issue("reader", ["applications:read"], "portal")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert post(api, body(application)).status_code == 403
    assert not Complaint.objects.exists()


def test_state_corporation_client_files_on_the_state_corporation_channel(application, db):
    _client, key = ApiClient.issue("sc", ["applications:submit"], "state_corporation")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    number = post(api, body(application, addressee=rules.STATE_CORPORATION_HEAD)).json()["number"]
    assert Complaint.objects.get(number=number).channel == "state_corporation"
