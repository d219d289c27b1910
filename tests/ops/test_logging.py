"""Request ids and logs without personal data (IIN/BIN, passport numbers, e-mail, phone)."""

import json
import logging

import pytest
from django.db import connection

from casework.observability.logs import JsonFormatter, PersonalDataFilter, RequestIdFilter, mask_personal_data
from certificates import services
from certificates.models import CertificateApplication
from tests.certificates.factories import JOB

IIN = "900402300122"
PASSPORT = "FA7654321"


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client, db):
    first = client.get("/health/live")["X-Request-ID"]
    second = client.get("/health/live")["X-Request-ID"]
    assert len(first) == 32 and first != second
    assert client.get("/health/live", HTTP_X_REQUEST_ID="lb-req-000123")["X-Request-ID"] == "lb-req-000123"
    forged = client.get("/health/live", HTTP_X_REQUEST_ID="bad id\nInjected: 1")["X-Request-ID"]
    assert forged != "bad id\nInjected: 1" and len(forged) == 32


def test_log_lines_of_a_request_carry_its_id(client, db, json_log):
    response = client.get("/no-such-page", HTTP_X_REQUEST_ID="trace-abc-123")
    assert response.status_code == 404
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    warning = next(line for line in lines if line["logger"] == "django.request")
    assert warning["request_id"] == "trace-abc-123" and warning["level"] == "WARNING"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"IIN {IIN} BIN 040340004512", "IIN [iin] BIN [iin]"),
        (
            f"passport {PASSPORT}, card N12345678, card no. 012345678",
            "passport [doc-no], card [doc-no], card no. [doc-no]",
        ),
        ("паспорт АБ 1234567", "паспорт [doc-no]"),
        ("aziz@example.org +7 701 123 45 67", "[email] [phone]"),
        (
            "case QC-2026-000001 due 2026-03-31 10:00, 5 working days",
            "case QC-2026-000001 due 2026-03-31 10:00, 5 working days",
        ),
    ],
)
def test_personal_data_is_masked_and_case_numbers_and_dates_are_not(text, masked):
    assert mask_personal_data(text) == masked


def test_the_filter_masks_arguments_and_tracebacks_before_the_formatter_sees_them():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "person %s %s", (IIN, PASSPORT), None)
    try:
        raise ValueError(f"bad IIN {IIN}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RequestIdFilter().filter(record)
    PersonalDataFilter().filter(record)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "person [iin] [doc-no]" and entry["request_id"] == "-"
    assert "bad IIN [iin]" in entry["exception"]
    assert IIN not in line and PASSPORT not in line


@pytest.mark.parametrize("duration", [6.012345678e-05, 0.123456789, 123456789.5, 1e-9])
def test_extras_are_masked_value_by_value_and_the_line_stays_json(duration):
    """A float whose digits read like a document number (SQL durations at DEBUG) stays a number: masking the
    serialised line once wrote "duration": 6.[doc-no]e-05 — invalid JSON, a flaky failure of the test below."""
    record = logging.LogRecord("django.db.backends", logging.DEBUG, __file__, 1, "(0.000) SELECT 1", (), None)
    record.duration = duration
    record.applicant_iin = int(IIN)  # an IIN passed as a number
    record.note = f"passport {PASSPORT}"
    record.count = 123
    PersonalDataFilter().filter(record)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["duration"] == duration
    assert entry["applicant_iin"] == "[iin]" and entry["note"] == "passport [doc-no]" and entry["count"] == 123
    assert IIN not in line and PASSPORT not in line


def test_a_whole_application_flow_logged_at_debug_leaves_no_iin_or_passport_number(
    clock, portal, body_with_personal_data, json_log, settings
):
    connection.force_debug_cursor = True  # SQL with its parameters is logged at DEBUG too
    sql_logger = logging.getLogger("django.db.backends")
    sql_level = sql_logger.level
    sql_logger.setLevel(logging.DEBUG)
    try:
        response = portal.post("/api/v1/certificate-applications/", body_with_personal_data, format="json")
        assert response.status_code == 201, response.json()
        application = CertificateApplication.objects.get()
        services.register_application(application, actor=JOB)
        logging.getLogger("certificates").info("applicant %s passport %s", IIN, PASSPORT)  # a careless line
    finally:
        connection.force_debug_cursor = False
        sql_logger.setLevel(sql_level)
    output = json_log.getvalue()
    assert "django.db.backends" in output and "[iin]" in output and "[doc-no]" in output  # it did see them
    assert IIN not in output
    assert PASSPORT not in output
    assert "aziz.karimov@example.org" not in output
    for line in output.splitlines():
        json.loads(line)  # every line is one JSON object


@pytest.fixture
def body_with_personal_data(unit, profession):
    import base64

    from tests.samples import PDF, png

    def b64(content):
        return base64.b64encode(content).decode()

    return {
        "kind": "issue",
        "applicant": {
            "surname": "Karimov",
            "given_name": "Aziz",
            "patronymic": None,
            "birth_date": "1990-04-02",
            "citizenship": "UZB",
            "passport_number": PASSPORT,
            "passport_issued_on": "2020-01-10",
            "passport_issuer": "MVD",
            "iin": IIN,
            "address": "Aktau",
            "phone": "+77011234567",
            "residence_country_address": "Tashkent",
            "email": "aziz.karimov@example.org",
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
