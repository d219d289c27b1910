"""REST: GET /api/v1/calendar/deadline (both forms) and /api/v1/calendar/days (API.md), scope calendar:read."""

import pytest
from rest_framework.test import APIClient

from casework.models import ApiClient

pytestmark = pytest.mark.django_db
DEADLINE = "/api/v1/calendar/deadline"
DAYS = "/api/v1/calendar/days"


def client_with(*scopes) -> APIClient:
    _row, key = ApiClient.issue(f"client-{'-'.join(scopes) or 'none'}", list(scopes))
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api():
    return client_with("calendar:read")


def test_without_a_key_401_problem():
    response = APIClient().get(DAYS, {"from": "2025-01-01", "to": "2025-01-31"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"


def test_a_key_without_the_calendar_scope_403():
    response = client_with("applications:read").get(DEADLINE, {"from": "2025-01-01", "calendar_days": "3"})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_deadline_from_receipt(api):
    response = api.get(DEADLINE, {"received_at": "2025-06-05T19:10:00+05:00", "working_days": "5"})
    assert response.status_code == 200
    body = response.json()
    assert body["registered_on"] == "2025-06-09"
    assert body["due"] == "2025-06-16"
    assert body["explanation"] == (
        "5 working days from 09.06.2025 (received 05.06.2025 19:10, after office hours; 06.06 Kurban Ait)"
    )
    assert set(body["explanations"]) == {"kk", "ru", "en"}
    assert "Курбан айт" in body["explanations"]["ru"]


def test_deadline_explanation_follows_accept_language(api):
    response = api.get(DEADLINE, {"from": "2026-03-12", "calendar_days": "10"}, HTTP_ACCEPT_LANGUAGE="ru")
    body = response.json()
    assert body == {
        "due": "2026-03-26",
        "explanation": body["explanations"]["ru"],
        "explanations": body["explanations"],
    }
    assert body["explanation"].startswith("10 календарных дней с 12.03.2026")


def test_an_unencoded_plus_in_the_offset_is_understood(api):
    response = api.get(f"{DEADLINE}?received_at=2025-06-05T19:10:00+05:00&working_days=5")
    assert response.status_code == 200
    assert response.json()["registered_on"] == "2025-06-09"


def test_a_moment_in_utc_is_read_in_office_time(api):
    response = api.get(DEADLINE, {"received_at": "2025-06-04T13:30:00Z", "working_days": "0"})
    assert response.json()["registered_on"] == "2025-06-05"


@pytest.mark.parametrize(
    ("params", "name", "code"),
    [
        ({"received_at": "2025-06-05T19:10:00", "working_days": "5"}, "received_at", "offset_required"),
        ({"received_at": "soon", "working_days": "5"}, "received_at", "invalid"),
        ({"received_at": "2025-06-05T19:10:00+05:00", "working_days": "-1"}, "working_days", "min_value"),
        ({"received_at": "2025-06-05T19:10:00+05:00", "working_days": "x"}, "working_days", "invalid"),
        ({"received_at": "2025-06-05T19:10:00+05:00"}, "working_days", "required"),
        ({"from": "2026-03-12"}, "calendar_days", "required"),
        ({"from": "1999-03-12", "calendar_days": "3"}, "from", "out_of_range"),
        ({"from": "2026-02-30", "calendar_days": "3"}, "from", "invalid"),
        ({"from": "2026-03-12", "calendar_days": "3", "working_days": "2"}, "non_field_errors", "ambiguous_query"),
        ({}, "non_field_errors", "required"),
        ({"from": "2100-12-01", "calendar_days": "100"}, "calendar_days", "out_of_calendar_range"),
    ],
)
def test_bad_deadline_queries_are_400_problems_with_invalid_params(api, params, name, code):
    response = api.get(DEADLINE, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert {"name": name, "code": code} == {k: problem["invalid_params"][0][k] for k in ("name", "code")}
    assert problem["status"] == 400


def test_days_lists_each_day_with_the_reason(api):
    response = api.get(DAYS, {"from": "2025-01-01", "to": "2025-01-07"})
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["working_days"]) == ("2025-01-01", "2025-01-07", 2)
    days = {day["date"]: day for day in body["days"]}
    assert len(days) == 7
    assert days["2025-01-01"] == {
        "date": "2025-01-01",
        "weekday": 3,
        "working": False,
        "kind": "holiday",
        "reason": "New Year",
        "holidays": ["New Year"],
        "decree": None,
    }
    assert days["2025-01-03"]["kind"] == "transferred_day_off"
    assert days["2025-01-04"]["reason"] == "weekend"
    assert days["2025-01-05"]["working"] is True
    assert days["2025-01-05"]["kind"] == "decree_working_day"
    assert days["2025-01-06"]["reason"] == ""
    assert days["2025-01-07"]["reason"] == "Orthodox Christmas"


def test_days_show_a_recorded_decree(api):
    from datetime import date

    from workcalendar.models import CalendarOverride

    CalendarOverride.objects.create(
        date=date(2025, 6, 11), is_working=False, reason_en="Day off", decree_number="7", decree_date=date(2025, 5, 2)
    )
    day = api.get(DAYS, {"from": "2025-06-11", "to": "2025-06-11"}).json()["days"][0]
    assert day["working"] is False
    assert day["kind"] == "decree_day_off"
    assert day["decree"] == {"number": "7", "date": "2025-05-02"}
    assert day["reason"] == "Day off (decree No. 7 of 02.05.2025)"


@pytest.mark.parametrize(
    ("params", "name", "code"),
    [
        ({"from": "2025-01-01", "to": "2026-01-02"}, "to", "range_too_long"),
        ({"from": "2025-01-10", "to": "2025-01-01"}, "to", "invalid_range"),
        ({"from": "2025-01-10"}, "to", "required"),
        ({"from": "x", "to": "2025-01-01"}, "from", "invalid"),
        ({"from": "2100-12-01", "to": "2101-01-01"}, "to", "out_of_range"),
    ],
)
def test_bad_days_queries_are_400_problems(api, params, name, code):
    response = api.get(DAYS, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert any(p["name"] == name and p["code"] == code for p in response.json()["invalid_params"])


def test_a_full_year_is_allowed(api):
    response = api.get(DAYS, {"from": "2024-01-01", "to": "2024-12-31"})  # 366 days (leap year)
    assert response.status_code == 200
    assert len(response.json()["days"]) == 366


def test_the_calendar_resources_are_in_the_openapi_schema():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/calendar/deadline" in text and "/api/v1/calendar/days" in text
