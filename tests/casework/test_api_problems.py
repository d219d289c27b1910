"""RFC 9457 problem details (API.md "Errors"), pagination, If-Match and the OpenAPI additions."""

import pytest
from rest_framework.test import APIClient

from casework.api.problems import flatten_errors
from casework.api.views import etag_for
from tests.casework.api_urls import Thing, portal_client
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.casework.api_urls")]

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "invalid_params"}


@pytest.fixture
def http():
    return portal_client()[1]


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(f"/problems/{code}")
    assert body["title"] and body["detail"]
    return body


def iin_with_check_digit(first_eleven: str) -> str:
    from casework.identifiers import check_digit

    return first_eleven + str(check_digit(first_eleven))


def valid_application(**changes):
    body = {
        "kind": "issue",
        "applicant": {"surname": "Karimov", "iin": iin_with_check_digit("90040230001")},
        "documents": [{"type": "identity_document", "filename": "p.pdf", "content_base64": "JVBERi0x"}],
    }
    body.update(changes)
    return body


def test_valid_application_passes(http):
    assert http.post("/api/v1/applications/", valid_application(), format="json").status_code == 201


def test_nested_validation_errors_have_dotted_names_and_codes(http):
    bad_iin = iin_with_check_digit("90040230001")
    bad_iin = bad_iin[:11] + str((int(bad_iin[11]) + 1) % 10)
    body = valid_application(
        applicant={"surname": "", "iin": bad_iin},
        documents=[
            {"type": "identity_document", "filename": "p.pdf", "content_base64": "JVBERi0x"},
            {"type": "selfie", "filename": "x.exe", "content_base64": "TVqQ"},
        ],
    )
    body.pop("kind")
    result = problem(http.post("/api/v1/applications/", body, format="json"), 400, "invalid")
    params = {(p["name"], p["code"]) for p in result["invalid_params"]}
    assert params == {
        ("kind", "required"),
        ("applicant.surname", "blank"),
        ("applicant.iin", "invalid_checksum"),
        ("documents.1.type", "invalid_choice"),
        ("documents.1.content_base64", "unsupported_file_type"),
    }
    assert all(p["reason"] for p in result["invalid_params"])


def test_a_single_invalid_param_is_named_in_detail(http):
    result = problem(http.post("/api/v1/applications/", valid_application(kind="renew"), format="json"), 400, "invalid")
    assert result["detail"].startswith("kind:")
    assert [p["name"] for p in result["invalid_params"]] == ["kind"]


def test_wrong_type_for_a_nested_object_is_invalid(http):
    result = problem(
        http.post("/api/v1/applications/", valid_application(applicant="Karimov"), format="json"), 400, "invalid"
    )
    assert result["invalid_params"][0]["name"].startswith("applicant")


def test_malformed_json_is_400_malformed_json(http):
    response = http.post("/api/v1/applications/", '{"kind": "issue",', content_type="application/json")
    problem(response, 400, "malformed_json")


def test_parse_error_raised_by_a_view_is_malformed_json(http):
    problem(http.get("/api/v1/raise/parse"), 400, "malformed_json")


def test_unsupported_media_type_is_415(http):
    problem(http.post("/api/v1/applications/", "kind=issue", content_type="text/plain"), 415, "unsupported_media_type")


def test_method_not_allowed_is_405(http):
    problem(http.delete("/api/v1/applications/"), 405, "method_not_allowed")


def test_http404_is_404(http):
    problem(http.get("/api/v1/raise/not_found"), 404, "not_found")


def test_throttled_is_429_with_retry_after(http):
    response = http.get("/api/v1/raise/throttled")
    problem(response, 429, "throttled")
    assert response["Retry-After"] == "12"


def test_service_error_keeps_its_status_code_and_invalid_params(http):
    body = problem(http.get("/api/v1/raise/rule"), 422, "quota_exhausted")
    assert body["detail"] == "The quota for 2026 is used up."
    assert body["invalid_params"] == [{"name": "profession", "code": "quota_exhausted", "reason": "no places left"}]


def test_lost_database_connection_is_503_without_leaking_the_error(http):
    response = http.get("/api/v1/raise/database_down")
    body = problem(response, 503, "service_unavailable")
    assert "secret" not in response.content.decode()
    assert response["Retry-After"]
    assert body["invalid_params"] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_connection_dropped_mid_request_is_a_clean_503_and_nothing_is_saved():
    from casework.models import Person

    _, http = portal_client()
    response = http.post("/api/v1/drop-connection/", {}, format="json", HTTP_IDEMPOTENCY_KEY="drop-1")
    problem(response, 503, "service_unavailable")
    assert not Person.objects.exists()
    from casework.models import IdempotencyRecord

    assert not IdempotencyRecord.objects.exists()


def test_unauthenticated_and_forbidden_are_problems():
    problem(APIClient().get("/api/v1/people/"), 401, "not_authenticated")
    _, http = portal_client(scopes=["calendar:read"])
    problem(http.get("/api/v1/people/"), 403, "insufficient_scope")


def test_client_accepting_only_problem_json_is_served(http):
    response = http.get("/api/v1/raise/not_found", HTTP_ACCEPT="application/problem+json")
    problem(response, 404, "not_found")


def test_flatten_errors_of_a_list_field_keyed_by_index():
    from rest_framework.exceptions import ErrorDetail

    detail = {"education": {2: {"kind": [ErrorDetail("bad", code="invalid_choice")]}}, "non_field_errors": ["x"]}
    assert flatten_errors(detail) == [
        {"name": "education.2.kind", "code": "invalid_choice", "reason": "bad"},
        {"name": "non_field_errors", "code": "invalid", "reason": "x"},
    ]


# --- pagination ----------------------------------------------------------------------------------


def test_lists_are_paginated_with_count_next_previous_results(http):
    PersonFactory.create_batch(5)
    body = http.get("/api/v1/people/?page_size=2&page=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page=3" in body["next"] and "page_size=2" in body["next"]
    assert body["previous"]


def test_page_size_is_capped_at_200(http):
    PersonFactory.create_batch(3)
    from casework.api.pagination import PortalPagination

    assert PortalPagination.max_page_size == 200
    assert len(http.get("/api/v1/people/?page_size=1000").json()["results"]) == 3


def test_page_past_the_end_is_404_invalid_page(http):
    problem(http.get("/api/v1/people/?page=99"), 404, "invalid_page")


# --- If-Match ------------------------------------------------------------------------------------


def test_etag_comes_from_the_version():
    assert etag_for(Thing()) == '"3"'


@pytest.mark.parametrize("header", [None, '"3"', "*", 'W/"3"', '"2", "3"'])
def test_matching_or_absent_if_match_is_accepted(http, header):
    extra = {"HTTP_IF_MATCH": header} if header else {}
    response = http.patch("/api/v1/things/1", **extra)
    assert response.status_code == 200
    assert response["ETag"] == '"3"'
    assert response.json()["actor"] == "api:portal"


@pytest.mark.parametrize("header", ['"2"', '""', "garbage"])
def test_stale_if_match_is_412_version_mismatch(http, header):
    problem(http.patch("/api/v1/things/1", HTTP_IF_MATCH=header), 412, "version_mismatch")


# --- OpenAPI -------------------------------------------------------------------------------------


def test_schema_shows_token_scheme_idempotency_header_and_problem_responses():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    post = schema["paths"]["/api/v1/people/"]["post"]
    assert post["security"] == [{"ApiKey": []}]
    assert "applications:submit" in post["description"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    for code in ("400", "401", "403", "422", "503"):
        assert "application/problem+json" in post["responses"][code]["content"]
    assert "application/problem+json" not in post["responses"]["201"]["content"]
    patch = schema["paths"]["/api/v1/things/{id}"]["patch"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
    assert "412" in patch["responses"]
    assert set(schema["components"]["schemas"]["Problem"]["properties"]) == PROBLEM_KEYS


def test_swagger_ui_is_served_from_local_static_files():
    html = APIClient().get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
