"""POST /api/v1/termination-notices/ for a qualification certificate: the holder's notice (003 §20)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from casework.models import ApiClient
from certificates.models import Certificate, HolderNotice
from tests.factories import DistrictFactory

from .factories import issued_certificate


@pytest.fixture
def http(db):
    client, raw = ApiClient.issue("portal", ["notices:submit"], kind=ApiClient.Kind.PORTAL)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


@pytest.fixture
def certificate(db):
    return issued_certificate(DistrictFactory())[1]


def post(http, data):
    return http.post("/api/v1/termination-notices/", data, format="json")


def test_holder_notice_of_a_terminated_contract_is_recorded_and_the_certificate_stays_in_force_003_s20(
    http, certificate
):
    ended = dt.date.today() - dt.timedelta(days=1)
    response = post(http, {"certificate_number": certificate.number, "contract_ended_on": ended.isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["certificate_number"] == certificate.number and body["is_late"] is False
    assert dt.date.fromisoformat(body["due_on"]) > ended  # 5 working days after the termination (003 §20)
    notice = HolderNotice.objects.get(certificate=certificate)
    assert notice.kind == "contract_termination"
    assert Certificate.objects.get(pk=certificate.pk).status == "active"


def test_holder_notice_after_five_working_days_is_recorded_late_003_s20(http, certificate):
    # Monday 02.11.2026 + 5 working days = Monday 09.11.2026; a notice later than that is late.
    response = post(http, {"certificate_number": certificate.number, "contract_ended_on": "2026-11-02"})
    assert response.status_code == 201, response.content
    assert response.json()["due_on"] == "2026-11-09"
    assert response.json()["is_late"] is (dt.date.today() > dt.date(2026, 11, 9))


@pytest.mark.parametrize(
    ("data", "status", "name"),
    [
        ({"contract_ended_on": "2026-11-02"}, 400, "permit_number"),  # neither number
        ({"certificate_number": "X", "permit_number": "Y", "contract_ended_on": "2026-11-02"}, 400, "permit_number"),
        ({"permit_number": "LIPM-2026-000001", "contract_ended_on": "2026-11-02"}, 400, "employer"),
        ({"certificate_number": "QCC-2026-999999", "contract_ended_on": "2026-11-02"}, 422, None),
    ],
)
def test_bad_termination_notice_is_refused_and_records_nothing(http, certificate, data, status, name):
    response = post(http, data)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    if name:
        assert name in [p["name"] for p in response.json()["invalid_params"]]
    assert not HolderNotice.objects.exists()
