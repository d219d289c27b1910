"""``GET /api/v1/documents/{number}.pdf`` (API.md, scope applications:read)."""

import pytest

from casework.models import ApiClient
from casework.models.issued import DocumentKind, DocumentStatus
from casework.pdf import issue_document, set_document_status

GENERIC = "documents/generic.html"


@pytest.fixture
def document(make_case):
    case = make_case()
    kk = issue_document(case, DocumentKind.CERTIFICATE, GENERIC, {"paragraphs": ["Анықтама"]}, "kk")
    issue_document(case, DocumentKind.CERTIFICATE, GENERIC, {"paragraphs": ["Справка"]}, "ru")
    return kk


def key_with(*scopes):
    return ApiClient.issue("portal", list(scopes))[1]


def fetch(client, number, key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key else {}
    return client.get(f"/api/v1/documents/{number}.pdf", **headers, **extra)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_pdf_with_its_content_type_disposition_and_status(client, document):
    response = fetch(client, document.number, key_with("applications:read"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.number}-kk.pdf"'
    assert response["Content-Language"] == "kk"
    assert response["X-Document-Status"] == "valid"
    assert response["ETag"] == f'"{document.sha256}"'
    assert body(response).startswith(b"%PDF-")


def test_the_russian_copy_by_query_or_accept_language(client, document):
    key = key_with("applications:read")
    assert fetch(client, document.number, key, data={"language": "ru"})["Content-Language"] == "ru"
    assert fetch(client, document.number, key, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")["Content-Language"] == "ru"
    assert fetch(client, document.number, key, HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "kk"


def test_an_unknown_language_is_a_400_problem(client, document):
    response = fetch(client, document.number, key_with("applications:read"), data={"language": "en"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalid_params"][0]["name"] == "language"


def test_a_revoked_document_is_still_served_and_says_so(client, document):
    set_document_status(document.case, DocumentStatus.REVOKED)
    response = fetch(client, document.number, key_with("applications:read"))
    assert response.status_code == 200 and response["X-Document-Status"] == "revoked"


def test_without_a_key_401(client, document):
    response = fetch(client, document.number)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"


def test_with_an_invalid_key_401(client, document):
    assert fetch(client, document.number, "not-a-real-key-at-all-0000000000").status_code == 401


def test_a_key_without_applications_read_403(client, document):
    response = fetch(client, document.number, key_with("calendar:read"))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_an_unknown_number_404_problem_even_when_pdf_is_asked_for(client, db):
    response = fetch(client, "QC-C-2026-999999", key_with("applications:read"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_the_endpoint_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/documents/{number}.pdf" in schema
