"""The portal API of labour-immigrant permits: every bad input is a 4xx problem with a specific code and
creates nothing; the police liaison returns checks; notices; the revocations feed."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.models import ApiClient
from permits import rules, services
from permits.models import (
    IntentionAgreement,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    Revocation,
    RevocationStatus,
    TerminationNotice,
)
from tests.samples import EXE, PDF

from .conftest import EMPLOYER_IIN, OTHER_IIN, b64, move_validity, sign

pytestmark = pytest.mark.django_db

URL = "/api/v1/labour-immigrant-permit-applications/"


def body(unit, kind="issue", channel="portal", **overrides):
    today = timezone.localdate()
    data = {
        "kind": kind,
        "unit": unit.code,
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
            "address": "Aktau 5-12-3",
            "phone": "+998 90 123 45 67",
            "residence_country_address": "Tashkent",
            "email": "aziz@example.org",
        },
        "employer": {
            "iin": EMPLOYER_IIN,
            "name": "Seitkali Aigerim",
            "address": "Aktau 14-5-2",
            "property_address": "Aktau 14-5-2",
            "property_unit": unit.code,
        },
        "term_months": 6,
        "medical_certificate_issued_on": today.replace(day=1).isoformat(),
        "border_crossed_on": rules.add_months(today, -2).isoformat(),
        "insurance_valid_until": rules.add_months(today, 30).isoformat(),
        "documents": [
            {"type": alts[0], "filename": f"{alts[0]}.pdf", "content_base64": b64(PDF)}
            for alts in rules.required_documents(kind, channel)
        ],
    }
    data.update(overrides)
    if channel == "portal":
        data["signatures"] = sign(data, "FA1234567", EMPLOYER_IIN)
    return data


def post(http, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return http.post(URL, data, format="json", **headers)


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code, response.json()
    return response.json()


# --- filing --------------------------------------------------------------------------------------------


def test_portal_files_an_issue_signed_by_immigrant_and_employer_001_s13(api, unit, quota):
    response = post(api(), body(unit))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith(f"LIP-{timezone.localdate().year}-")
    assert data["status"] == "under_police_check"
    assert data["due"] and data["registered_on"]
    app = LabourImmigrantPermitApplication.objects.get(number=data["number"])
    assert [s["signer"] for s in app.signatures] == ["immigrant", "employer"]
    assert app.attachments.count() == 5


def test_idempotent_retry_creates_one_application(api, unit, quota):
    http = api()
    data = body(unit)
    first = post(http, data, key="k-1")
    second = post(http, data, key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert LabourImmigrantPermitApplication.objects.count() == 1


def test_portal_extension_without_the_employers_signature_is_refused_001_s13(api, unit, quota, issued_permit, today):
    permit = move_validity(issued_permit(6), dt.date.fromordinal(today.toordinal() + 10))
    data = body(unit, kind="extend", permit_number=permit.number, term_months=3)
    data["signatures"] = [s for s in data["signatures"] if s["signer"] == "immigrant"]
    problem(post(api(), data), 422, rules.SIGNATURE_MISSING)
    assert not LabourImmigrantPermitApplication.objects.filter(kind="extend").exists()


def test_portal_extension_with_a_forged_signature_is_refused_001_s13(api, unit, quota, issued_permit, today):
    permit = move_validity(issued_permit(6), dt.date.fromordinal(today.toordinal() + 10))
    data = body(unit, kind="extend", permit_number=permit.number, term_months=3)
    data["term_months"] = 4  # signed for 3 months, sent for 4
    problem(post(api(), data), 422, rules.SIGNATURE_INVALID)


def test_portal_extension_in_the_window_is_accepted_004_s24(api, unit, quota, issued_permit, today):
    permit = move_validity(issued_permit(6), dt.date.fromordinal(today.toordinal() + 10))
    response = post(api(), body(unit, kind="extend", permit_number=permit.number, term_months=3))
    assert response.status_code == 201, response.content


def test_state_corporation_needs_no_eds_and_gets_annex_4_for_an_incomplete_package_004_s17(api, unit, quota):
    http = api(kind=ApiClient.Kind.STATE_CORPORATION)
    data = body(unit, channel="state_corporation")
    data["documents"] = data["documents"][:2]
    response = post(http, data)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "refused_to_accept"
    assert response.json()["not_accepted_reasons"]


def test_duplicate_through_the_api_is_issued_at_once_004_s27(api, unit, quota, issued_permit):
    permit = issued_permit(6)
    response = post(api(), body(unit, kind="duplicate", permit_number=permit.number, documents=[], term_months=None))
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["permit_number"]) == ("issued", permit.number)


# --- every bad input: a specific code, nothing created ----------------------------------------------------


def _bad(unit, case):
    data = body(unit)
    if case == "iin_checksum":
        data["employer"]["iin"] = EMPLOYER_IIN[:-1] + str((int(EMPLOYER_IIN[-1]) + 1) % 10)
    elif case == "term_13":
        data = body(unit, term_months=13)
    elif case == "term_0":
        data = body(unit, term_months=0)
    elif case == "unknown_unit":
        data = body(unit)
        data["unit"] = "999999999"
    elif case == "property_outside":
        data["employer"]["property_unit"] = "999999999"
    elif case == "medical_old":
        data = body(unit, medical_certificate_issued_on=rules.add_months(timezone.localdate(), -13).isoformat())
    elif case == "border_old":
        data = body(unit, border_crossed_on=rules.add_months(timezone.localdate(), -13).isoformat())
    elif case == "insurance_short":
        data = body(unit, insurance_valid_until=rules.add_months(timezone.localdate(), 3).isoformat())
    elif case == "missing_document":
        data = body(unit)
        data["documents"] = data["documents"][1:]
        data["signatures"] = sign({k: v for k, v in data.items() if k != "signatures"}, "FA1234567", EMPLOYER_IIN)
    elif case == "exe":
        data = body(unit)
        data["documents"][0]["content_base64"] = b64(EXE)
        data["signatures"] = sign({k: v for k, v in data.items() if k != "signatures"}, "FA1234567", EMPLOYER_IIN)
    elif case == "bad_base64":
        data["documents"][0]["content_base64"] = "%%%"
    elif case == "extend_without_number":
        data = body(unit, kind="extend")
    elif case == "unknown_permit":
        data = body(unit, kind="extend", permit_number="LIPM-2026-999999", term_months=3)
    elif case == "citizenship":
        data["applicant"]["citizenship"] = "XYZ"
    elif case == "kind":
        data["kind"] = "reissue"
    elif case == "unknown_agreement":
        data = body(unit, intention_agreement_number="LIA-2026-999999")
    return data


BAD = [
    ("iin_checksum", 400, "invalid", "employer.iin", "invalid_checksum"),
    ("term_13", 422, rules.TERM_OUT_OF_RANGE, None, None),
    ("term_0", 422, rules.TERM_OUT_OF_RANGE, None, None),
    ("unknown_unit", 422, rules.UNKNOWN_UNIT, None, None),
    ("property_outside", 422, rules.UNKNOWN_UNIT, None, None),
    ("medical_old", 422, rules.MEDICAL_CERTIFICATE_EXPIRED, None, None),
    ("border_old", 422, rules.BORDER_CROSSING_TOO_OLD, None, None),
    ("insurance_short", 422, rules.INSURANCE_DOES_NOT_COVER_TERM, None, None),
    ("missing_document", 422, rules.DOCUMENTS_INCOMPLETE, None, None),
    ("exe", 400, "unsupported_file_type", None, None),
    ("bad_base64", 400, "invalid", "documents.0.content_base64", "invalid_base64"),
    ("extend_without_number", 400, "invalid", "permit_number", "required"),
    ("unknown_permit", 422, rules.PERMIT_NOT_FOUND, None, None),
    ("citizenship", 400, "invalid", "applicant.citizenship", None),
    ("kind", 400, "invalid", "kind", "invalid_choice"),
    ("unknown_agreement", 422, rules.AGREEMENT_NOT_FOUND, None, None),
]


@pytest.mark.parametrize("case,status,code,param,param_code", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_with_a_specific_code_and_creates_nothing(
    api, unit, quota, case, status, code, param, param_code
):
    data = problem(post(api(), _bad(unit, case)), status, code)
    if param:
        names = {p["name"]: p["code"] for p in data["invalid_params"]}
        assert param in names, names
        if param_code:
            assert names[param] == param_code
    assert not LabourImmigrantPermitApplication.objects.exists()


def test_property_in_another_known_unit_is_refused_004_s23(api, unit, quota):
    from tests.factories import DistrictFactory

    data = body(unit)
    data["employer"]["property_unit"] = DistrictFactory().code
    data["signatures"] = sign({k: v for k, v in data.items() if k != "signatures"}, "FA1234567", EMPLOYER_IIN)
    problem(post(api(), data), 422, rules.PROPERTY_OUTSIDE_UNIT)
    assert not LabourImmigrantPermitApplication.objects.exists()


def test_quota_exhausted_at_filing_is_422_004_s20(api, unit, make_quota):
    make_quota(unit, total=0)
    problem(post(api(), body(unit)), 422, rules.QUOTA_EXHAUSTED)


def test_extension_outside_the_window_is_422_004_s24(api, unit, quota, issued_permit, today):
    permit = move_validity(issued_permit(6), dt.date.fromordinal(today.toordinal() + 31))
    problem(
        post(api(), body(unit, kind="extend", permit_number=permit.number, term_months=3)),
        422,
        rules.EXTENSION_WINDOW_CLOSED,
    )
    assert not LabourImmigrantPermitApplication.objects.filter(kind="extend").exists()


def test_extension_past_12_months_is_422_004_s19(api, unit, quota, issued_permit, today):
    permit = move_validity(issued_permit(10), dt.date.fromordinal(today.toordinal() + 10))
    problem(
        post(api(), body(unit, kind="extend", permit_number=permit.number, term_months=3)),
        422,
        rules.TERM_EXCEEDS_12_MONTHS,
    )


def test_missing_scope_is_403(api, unit, quota):
    problem(post(api(scopes=("applications:read",)), body(unit)), 403, "insufficient_scope")


# --- the police check (004 §16) ---------------------------------------------------------------------------


def police_url(number):
    return f"{URL}{number}/police-check/"


def test_liaison_returns_a_positive_check_and_the_clerk_can_issue_004_s16(api, unit, quota, job):
    number = post(api(), body(unit)).json()["number"]
    liaison = api(kind=ApiClient.Kind.POLICE_LIAISON, scopes=("notices:submit", "revocations:read"))
    response = liaison.post(police_url(number), {"result": "positive", "reference": "MP-77"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "under_review"
    app = services.issue_permit(LabourImmigrantPermitApplication.objects.get(number=number).pk, actor=job)
    assert app.status == "issued"


def test_police_check_from_a_portal_client_is_403(api, unit, quota):
    http = api()
    number = post(http, body(unit)).json()["number"]
    problem(http.post(police_url(number), {"result": "positive"}, format="json"), 403, rules.NOT_POLICE_LIAISON)


def test_police_check_with_a_stale_if_match_is_412_and_a_second_result_409(api, unit, quota):
    number = post(api(), body(unit)).json()["number"]
    liaison = api(kind=ApiClient.Kind.POLICE_LIAISON, scopes=("notices:submit",))
    problem(
        liaison.post(police_url(number), {"result": "positive"}, format="json", HTTP_IF_MATCH='"1"'),
        412,
        "version_mismatch",
    )
    assert liaison.post(police_url(number), {"result": "negative"}, format="json").status_code == 200
    problem(
        liaison.post(police_url(number), {"result": "positive"}, format="json"),
        409,
        rules.POLICE_CHECK_ALREADY_RECORDED,
    )
    problem(liaison.post(police_url("LIP-2026-999999"), {"result": "positive"}, format="json"), 404, "not_found")
    problem(liaison.post(police_url(number), {"result": "maybe"}, format="json"), 400, "invalid")


# --- termination notices (004 §28) ------------------------------------------------------------------------


def test_termination_notice_ends_the_permit_and_is_flagged_late_when_late_004_s28(api, unit, quota, issued_permit):
    permit = issued_permit(6)
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_from=dt.date(2025, 1, 6))
    http = api()
    response = http.post(
        "/api/v1/termination-notices/",
        {"permit_number": permit.number, "employer": {"iin": EMPLOYER_IIN}, "contract_ended_on": "2025-03-03"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["is_late"] is True
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == "terminated"


@pytest.mark.parametrize(
    "override,status,code",
    [
        ({"employer": {"iin": OTHER_IIN}}, 422, rules.EMPLOYER_MISMATCH),
        ({"permit_number": "LIPM-2026-999999"}, 422, rules.PERMIT_NOT_FOUND),
        ({"contract_ended_on": "2999-01-01"}, 422, rules.TERMINATION_DATE_IN_FUTURE),
        ({"contract_ended_on": "yesterday"}, 400, "invalid"),
    ],
)
def test_termination_notice_bad_input_is_refused_and_creates_nothing_004_s28(
    api, unit, quota, issued_permit, override, status, code
):
    permit = issued_permit(6)
    data = {
        "permit_number": permit.number,
        "employer": {"iin": EMPLOYER_IIN},
        "contract_ended_on": timezone.localdate().isoformat(),
        **override,
    }
    problem(api().post("/api/v1/termination-notices/", data, format="json"), status, code)
    assert not TerminationNotice.objects.exists()
    assert LabourImmigrantPermit.objects.get(pk=permit.pk).status == "active"


def test_second_termination_notice_is_409(api, unit, quota, issued_permit):
    permit = issued_permit(6)
    data = {
        "permit_number": permit.number,
        "employer": {"iin": EMPLOYER_IIN},
        "contract_ended_on": timezone.localdate().isoformat(),
    }
    http = api()
    assert http.post("/api/v1/termination-notices/", data, format="json").status_code == 201
    problem(http.post("/api/v1/termination-notices/", data, format="json"), 409, rules.PERMIT_NOT_ACTIVE)


# --- agreements (004 §10–12) ------------------------------------------------------------------------------


def test_agreement_through_the_api_reserves_a_unit_004_s12(api, unit, quota):
    today = timezone.localdate()
    data = {
        "unit": unit.code,
        "employer": {"iin": EMPLOYER_IIN, "name": "Seitkali"},
        "immigrant": body(unit)["applicant"],
        "signed_on": today.isoformat(),
        "vacancy_published_on": (dt.date.fromordinal(today.toordinal() - 20)).isoformat(),
        "occupation": "nanny",
    }
    response = api().post("/api/v1/labour-immigrant-intention-agreements/", data, format="json")
    assert response.status_code == 201, response.content
    assert IntentionAgreement.objects.get(number=response.json()["number"]).status == "reserved"
    data["vacancy_published_on"] = today.isoformat()
    problem(
        api().post("/api/v1/labour-immigrant-intention-agreements/", data, format="json"),
        422,
        rules.VACANCY_SEARCH_TOO_EARLY,
    )


# --- the revocations feed (004 §39) -------------------------------------------------------------------------


def test_revocations_feed_since_and_delivery_when_the_liaison_reads_it_004_s39(api, unit, quota, issued_permit, job):
    first = services.revoke_permit(
        permit_id=issued_permit(6).pk, act_number="1", act_date=timezone.localdate(), act_body="GIT", actor=job
    )
    portal = api(scopes=("revocations:read",))
    response = portal.get("/api/v1/revocations/")
    assert response.status_code == 200
    assert [r["number"] for r in response.json()["results"]] == [first.number]
    assert Revocation.objects.get(pk=first.pk).status == RevocationStatus.PENDING_DELIVERY  # not the liaison
    liaison = api(kind=ApiClient.Kind.POLICE_LIAISON, scopes=("revocations:read",))
    since = timezone.localtime(first.received_at).isoformat()
    assert liaison.get("/api/v1/revocations/", {"since": since}).json()["count"] == 0
    item = liaison.get("/api/v1/revocations/").json()["results"][0]
    assert item["permit"]["number"] and item["leave_by"] and item["immigrant"]["passport_number"] == "FA1234567"
    rev = Revocation.objects.get(pk=first.pk)
    assert (rev.status, rev.delivery_channel) == (RevocationStatus.DELIVERED, "feed")
    problem(liaison.get("/api/v1/revocations/", {"since": "last week"}), 400, "invalid")
    problem(api(scopes=("applications:read",)).get("/api/v1/revocations/"), 403, "insufficient_scope")


def test_openapi_schema_documents_the_permit_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/labour-immigrant-permit-applications/",
        "/api/v1/labour-immigrant-permit-applications/{number}/police-check/",
        "/api/v1/termination-notices/",
        "/api/v1/revocations/",
    ):
        assert path in schema


def test_application_is_found_by_number_through_the_registry(api, unit, quota, job):
    http = api()
    number = post(http, body(unit)).json()["number"]
    app = LabourImmigrantPermitApplication.objects.get(number=number)
    services.record_police_check(app.pk, result="positive", actor=job)
    services.issue_permit(app.pk, actor=job)
    response = http.get(f"/api/v1/applications/{number}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["kind"], data["status"]) == ("issue", "issued")
    assert data["result"]["document_number"].startswith("LIPM-"), data
    assert [h["status"] for h in data["history"]] == ["received", "under_police_check", "under_review", "issued"]


# --- access code: every channel can follow its application (casework.public tracking) ---------------------


@pytest.fixture
def issued_codes(monkeypatch):
    """The access codes the services issue (shown once; only their hash is stored)."""
    from casework.models import Case

    real, codes = Case.issue_access_code, []

    def capture(self):
        codes.append(real(self))
        return codes[-1]

    monkeypatch.setattr(Case, "issue_access_code", capture)
    return codes


def track(client, number, code):
    from django.urls import reverse

    return client.post(reverse("casework:public:track"), {"number": number, "access_code": code})


def test_an_api_filed_application_has_a_working_access_code_for_tracking(api, unit, quota, client, issued_codes):
    response = post(api(), body(unit))
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert "access_code" not in response.json(), "the API contract is unchanged"
    app = LabourImmigrantPermitApplication.objects.get(number=number)
    [code] = issued_codes
    assert app.access_code_hash and app.check_access_code(code)
    assert track(client, number, "wrong-code").status_code == 200  # the form again, with one message
    followed = track(client, number, code)
    assert followed.status_code == 302 and "/application/" in followed["Location"]
    page = client.get(followed["Location"])
    assert page.status_code == 200 and number in page.content.decode()


def test_every_channel_gets_an_access_code_from_the_service(unit, quota, job):
    from .conftest import application_input

    app, code = services.register_application(application_input(unit), actor=job)
    assert code and LabourImmigrantPermitApplication.objects.get(pk=app.pk).check_access_code(code)
