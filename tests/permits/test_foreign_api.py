"""The portal API of foreign-labour permits (seed 000): every bad input is a 4xx problem with a specific code and
creates nothing; the portal route's EDS (000 §9); the fee payment's copy; the registry finds the application."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.models import ApiClient, Channel
from permits.foreign_labour import services as flp
from permits.foreign_labour.models import FeePayment, FLPStatus, ForeignLabourPermitApplication
from tests.samples import EXE, PDF

from .test_foreign_support import *  # noqa: F403  fixtures: region, district, members, job
from .test_foreign_support import (
    EMPLOYER_BIN,
    ENTREPRENEUR_IIN,
    OTHER_BIN,
    application_input,
    b64,
    commission,
    get_app,
    issued_permit,
    sign_body,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/foreign-labour-permit-applications/"


def body(region, signer=EMPLOYER_BIN, **overrides) -> dict:
    data = {
        "kind": "issue",
        "intra_corporate": False,
        "unit": region.code,
        "employer": {"bin": EMPLOYER_BIN, "name": "TOO Caspian Drilling", "email": "hr@caspian.example"},
        "term_months": 12,
        "workers": [{"profession": "drilling engineer", "qualification_category": "3", "count": 3}],
        "documents": [{"type": "flp_workers_list", "filename": "workers.pdf", "content_base64": b64(PDF)}],
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    if signer:
        data["signature"] = sign_body(data, signer)
    return data


def post(http, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return http.post(URL, data, format="json", **headers)


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code, response.json()
    assert not ForeignLabourPermitApplication.objects.exists() or status in (409,)
    return response.json()


def test_portal_issue_with_the_employers_eds_is_registered_and_keeps_the_signed_request_000_s9(api, region):
    http = api()
    data = body(region)
    response = post(http, data)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["number"].startswith("FLP-") and out["status"] == "under_check" and out["step"] == "check"
    app = ForeignLabourPermitApplication.objects.get(number=out["number"])
    assert app.channel == Channel.PORTAL and app.signer_id == EMPLOYER_BIN
    assert app.signed_payload == {k: v for k, v in data.items() if k != "signature"}
    assert app.signature["verified"] and app.signature["verifier"] == "hmac-test-double"
    assert app.workers.get().count == 3
    found = http.get(f"/api/v1/applications/{app.number}").json()  # casework.registry
    assert (found["kind"], found["status"], found["due"]) == ("issue", "under_check", str(app.due_date))


def test_an_entrepreneur_files_by_iin_000_s1(api, region):
    data = body(region, signer=ENTREPRENEUR_IIN, employer={"iin": ENTREPRENEUR_IIN, "name": "IP Seitkali"})
    response = post(api(), data)
    assert response.status_code == 201, response.content
    assert ForeignLabourPermitApplication.objects.get().employer.kind == "entrepreneur"


def test_request_signed_by_someone_else_is_refused_signer_not_applicant_000_s9(api, region):
    problem(post(api(), body(region, signer=OTHER_BIN)), 422, "signer_not_applicant")


def test_portal_request_without_eds_is_refused_000_s9(api, region):
    problem(post(api(), body(region, signer=None)), 422, "signature_missing")


def test_request_changed_after_signing_is_refused_signature_invalid_000_s9(api, region):
    data = body(region)
    data["term_months"] = 6  # not what was signed
    problem(post(api(), data), 422, "signature_invalid")


def test_without_a_configured_verifier_nothing_is_accepted_000_s9(api, region, settings):
    settings.PERMITS_SIGNATURE_VERIFIER = "permits.signatures.NotConfiguredVerifier"
    problem(post(api(), body(region)), 422, "signature_unverifiable")


def test_same_idempotency_key_and_body_creates_one_application(api, region):
    http = api()
    data = body(region)
    first, second = post(http, data, key="k-1"), post(http, data, key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert ForeignLabourPermitApplication.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"kind": "duplicate"}, "invalid", "kind"),
        ({"employer": {"name": "No id"}}, "invalid", "employer.bin"),
        ({"employer": {"bin": "123456789012", "name": "Bad"}}, "invalid", "employer.bin"),
        ({"term_months": None}, "invalid", "term_months"),
        (
            {"workers": [{"profession": "x", "qualification_category": "9", "count": 1}]},
            "invalid",
            "workers.0.qualification_category",
        ),
        ({"workers": [{"profession": "x", "qualification_category": "3", "count": 0}]}, "invalid", "workers.0.count"),
        (
            {"documents": [{"type": "flp_workers_list", "filename": "w.pdf", "content_base64": "%%%"}]},
            "invalid",
            "documents.0.content_base64",
        ),
        ({"kind": "extend"}, "invalid", "permit_number"),
    ],
)
def test_malformed_requests_are_400_with_the_field_named(api, region, overrides, code, field):
    body_ = problem(post(api(), body(region, **overrides)), 400, code)
    assert field in [p["name"] for p in body_["invalid_params"]], body_


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"unit": "999999999"}, "unknown_unit"),
        ({"term_months": 0}, "term_out_of_range"),
        ({"term_months": 13}, "term_out_of_range"),
        ({"workers": []}, "workers_required"),
        ({"intra_corporate": True, "workers": []}, "transferees_required"),
        (
            {"workers": [{"profession": "x", "qualification_category": "3", "count": 1, "territory": "999999998"}]},
            "unknown_unit",
        ),
        ({"documents": []}, "documents_incomplete"),
        ({"kind": "extend", "permit_number": "FLPM-2026-999999"}, "permit_not_found"),
    ],
)
def test_rules_refuse_with_422_and_a_stable_code_000(api, region, overrides, code):
    problem(post(api(), body(region, **overrides)), 422, code)


def test_a_district_is_not_the_provider_unit_not_a_region_000_s1(api, district):
    problem(post(api(), body(district)), 422, "unit_not_a_region")


def test_workplace_outside_the_region_is_refused(api, region):
    from tests.factories import DistrictFactory

    elsewhere = DistrictFactory()  # under another region
    workers = [{"profession": "x", "qualification_category": "3", "count": 1, "territory": elsewhere.code}]
    problem(post(api(), body(region, workers=workers)), 422, "territory_outside_unit")


def test_a_program_renamed_to_pdf_is_refused_by_content(api, region):
    docs = [{"type": "flp_workers_list", "filename": "workers.pdf", "content_base64": b64(EXE)}]
    problem(post(api(), body(region, documents=docs)), 400, "unsupported_file_type")


def test_the_state_corporation_does_not_take_these_applications_000_s1(api, region):
    problem(post(api(kind=ApiClient.Kind.STATE_CORPORATION), body(region)), 422, "channel_not_available")


def test_no_key_401_and_no_scope_403(api, region):
    from rest_framework.test import APIClient

    assert APIClient().post(URL, body(region), format="json").status_code == 401
    problem(post(api(scopes=("applications:read",)), body(region)), 403, "insufficient_scope")


def test_reissue_of_another_employers_permit_or_of_the_other_kind_is_refused(api, region, members):
    permit = issued_permit(region, members)
    before = ForeignLabourPermitApplication.objects.count()
    other = body(
        region,
        signer=OTHER_BIN,
        kind="reissue",
        permit_number=permit.number,
        term_months=None,
        workers=None,
        employer={"bin": OTHER_BIN, "name": "TOO Other"},
        documents=[{"type": "flp_reissue_grounds", "filename": "g.pdf", "content_base64": b64(PDF)}],
    )
    response = post(api(), other)
    assert response.status_code == 422 and response.json()["code"] == "permit_of_another_employer"
    transfer = body(
        region,
        kind="reissue",
        intra_corporate=True,
        permit_number=permit.number,
        term_months=None,
        workers=None,
        documents=[{"type": "flp_reissue_grounds", "filename": "g.pdf", "content_base64": b64(PDF)}],
    )
    response = post(api(), transfer)
    assert response.status_code == 422 and response.json()["code"] == "permit_kind_mismatch"
    assert ForeignLabourPermitApplication.objects.count() == before


# --- the fee payment's copy ---------------------------------------------------------------------------------


def awaiting_fee(region, members, job):
    app, _code = flp.submit_foreign_labour_application(application_input(region, received=timezone.now()), actor=job)
    flp.complete_check(app.pk, actor=job)
    commission(app, members, when=timezone.now())
    return flp.send_letter(app.pk, actor=job)


def fee_url(app) -> str:
    return f"{URL}{app.number}/fee-payments/"


def fee_body() -> dict:
    return {
        "document": {"type": "fee_payment_proof", "filename": "payment.pdf", "content_base64": b64(PDF)},
        "amount": "13800.00",
        "paid_on": timezone.localdate().isoformat(),
        "payment_reference": "KASPI-1",
    }


def test_portal_uploads_the_fee_payment_copy_and_a_clerk_confirms_it(api, region, members, job):
    app = awaiting_fee(region, members, job)
    response = api().post(fee_url(app), fee_body(), format="json", HTTP_IF_MATCH=f'"{app.version}"')
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    payment = FeePayment.objects.get()
    assert payment.channel == "portal" and payment.attachment.doc_type == "fee_payment_proof"
    flp.confirm_fee(payment.pk, actor=job)
    assert get_app(app.pk).status == FLPStatus.AWAITING_SIGNATURE


def test_fee_copy_refusals_not_awaiting_window_closed_stale_unknown(api, region, members, job):
    http = api()
    app = awaiting_fee(region, members, job)
    r = http.post(fee_url(app), fee_body(), format="json", HTTP_IF_MATCH='"1"')
    assert (r.status_code, r.json()["code"]) == (412, "version_mismatch")
    ForeignLabourPermitApplication.objects.filter(pk=app.pk).update(
        fee_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    r = http.post(fee_url(app), fee_body(), format="json")
    assert (r.status_code, r.json()["code"]) == (422, "fee_window_closed")
    bad = {**fee_body(), "document": {**fee_body()["document"], "type": "flp_workers_list"}}
    r = http.post(fee_url(app), bad, format="json")
    assert r.status_code == 400
    r = http.post(f"{URL}FLP-2026-999999/fee-payments/", fee_body(), format="json")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    fresh, _code = flp.submit_foreign_labour_application(application_input(region, received=timezone.now()), actor=job)
    r = http.post(fee_url(fresh), fee_body(), format="json")
    assert (r.status_code, r.json()["code"]) == (409, "not_awaiting_fee")
    assert not FeePayment.objects.exists()


def test_the_schema_documents_the_endpoints_with_examples(api):
    schema = api().get("/api/v1/schema/?format=json").json()
    create = schema["paths"]["/api/v1/foreign-labour-permit-applications/"]["post"]
    assert "Intra-corporate transfer" in str(create["requestBody"])
    assert "/api/v1/foreign-labour-permit-applications/{number}/fee-payments/" in schema["paths"]


def test_an_api_filed_foreign_labour_application_has_a_working_access_code_for_tracking(
    api, region, client, monkeypatch
):
    from django.urls import reverse

    from casework.models import Case

    real, codes = Case.issue_access_code, []
    monkeypatch.setattr(Case, "issue_access_code", lambda self: codes.append(real(self)) or codes[-1])
    response = post(api(), body(region))
    assert response.status_code == 201, response.content
    assert "access_code" not in response.json(), "the API contract is unchanged"
    number = response.json()["number"]
    [code] = codes
    assert ForeignLabourPermitApplication.objects.get(number=number).check_access_code(code)
    followed = client.post(reverse("casework:public:track"), {"number": number, "access_code": code})
    assert followed.status_code == 302, followed.content


def test_the_service_returns_the_access_code_for_every_channel(region, job):
    app, code = flp.submit_foreign_labour_application(application_input(region, received=timezone.now()), actor=job)
    assert code and ForeignLabourPermitApplication.objects.get(pk=app.pk).check_access_code(code)
