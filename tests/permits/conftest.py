"""Fixtures of the labour-immigrant permit tests: a district with a quota, application inputs by kind and
channel, permits created through the services (the dates that matter are passed in, not frozen)."""

import base64
import datetime as dt

import pytest
from django.utils import timezone

from casework.actors import Actor
from casework.models import ApiClient, Channel
from permits import rules, services
from permits.models import LabourImmigrantPermit, LabourImmigrantPermitApplication, Quota
from permits.signatures import HmacTestDoubleVerifier, application_digest
from tests.factories import DistrictFactory, make_identifier
from tests.samples import PDF

EMPLOYER_IIN = make_identifier(86_010_100_001)
OTHER_IIN = make_identifier(77_020_200_002)


@pytest.fixture(autouse=True)
def _signature_test_double(settings):
    settings.PERMITS_SIGNATURE_VERIFIER = "permits.signatures.HmacTestDoubleVerifier"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def unit(db):
    return DistrictFactory()


@pytest.fixture
def make_quota(db, today):
    def make(unit, total=50, start=None, end=None):
        return Quota.objects.create(
            unit=unit,
            total=total,
            period_start=start or dt.date(today.year - 1, 1, 1),
            period_end=end or dt.date(today.year + 2, 12, 31),
        )

    return make


@pytest.fixture
def quota(unit, make_quota):
    return make_quota(unit)


def immigrant(passport="FA1234567", iin=""):
    return {
        "surname": "Karimov",
        "given_name": "Aziz",
        "patronymic": "",
        "birth_date": dt.date(1990, 4, 2),
        "citizenship": "UZB",
        "passport_number": passport,
        "passport_issued_on": dt.date(2020, 1, 10),
        "passport_issuer": "MVD",
        "iin": iin,
        "address": "Aktau, 5-12-3",
        "phone": "+998 90 123 45 67",
        "residence_country_address": "Tashkent",
        "place_of_birth": "Samarkand",
        "family_composition": "single",
    }


def employer(iin=EMPLOYER_IIN, unit=None):
    return {
        "iin": iin,
        "name": "Seitkali Aigerim",
        "address": "Aktau, 14-5-2",
        "phone": "+7 701 123 45 67",
        "property_address": "Aktau, 14-5-2",
        "property_unit": unit.code if unit else "",
    }


def documents(kind, channel=Channel.PORTAL):
    return [
        {"type": alts[0], "filename": f"{alts[0]}.pdf", "content": PDF}
        for alts in rules.required_documents(kind, channel)
    ]


def application_input(
    unit,
    kind=rules.ISSUE,
    channel=Channel.STATE_CORPORATION,
    received_at=None,
    term_months=6,
    permit_number="",
    **overrides,
):
    received_at = received_at or timezone.now()
    filed_on = timezone.localtime(received_at).date()
    data = dict(
        kind=kind,
        unit=unit,
        applicant=immigrant(),
        employer=employer(unit=unit),
        channel=channel,
        term_months=term_months if kind != rules.DUPLICATE else None,
        permit_number=permit_number,
        property_address="Aktau, 14-5-2",
        property_unit_code=unit.code,
        medical_certificate_issued_on=filed_on.replace(day=1) if kind == rules.ISSUE else None,
        border_crossed_on=rules.add_months(filed_on, -2),
        insurance_valid_until=rules.add_months(filed_on, 30),
        documents=documents(kind, channel),
        received_at=received_at,
    )
    data.update(overrides)
    return services.ApplicationInput(**data)


@pytest.fixture
def job():
    return Actor.job("test")


def issue_through(app, actor):
    """Police check positive, then the decision (004 §16, §7)."""
    app = services.record_police_check(app.pk, result="positive", reference="MP-1", actor=actor)
    return services.issue_permit(app.pk, actor=actor)


@pytest.fixture
def issued_permit(unit, job):
    def make(months=6, **overrides) -> LabourImmigrantPermit:
        app, _code = services.register_application(application_input(unit, term_months=months, **overrides), actor=job)
        app = issue_through(app, job)
        return LabourImmigrantPermit.objects.get(pk=app.result_permit_id)

    return make


def move_validity(permit, valid_to):
    """Put a permit's expiry where a test needs it (setup only; the services never do this)."""
    LabourImmigrantPermit.objects.filter(pk=permit.pk).update(valid_to=valid_to)
    return LabourImmigrantPermit.objects.get(pk=permit.pk)


def sign(body: dict, immigrant_key: str, employer_iin: str) -> list[dict]:
    digest = application_digest(body)
    return [
        {
            "signer": "immigrant",
            "iin": immigrant_key,
            "signature_base64": HmacTestDoubleVerifier.sign(digest, immigrant_key),
        },
        {
            "signer": "employer",
            "iin": employer_iin,
            "signature_base64": HmacTestDoubleVerifier.sign(digest, employer_iin),
        },
    ]


@pytest.fixture
def api(db):
    from rest_framework.test import APIClient

    def make(kind=ApiClient.Kind.PORTAL, scopes=("applications:submit", "applications:read", "notices:submit")):
        client, raw = ApiClient.issue(f"{kind}-{ApiClient.objects.count()}", scopes, kind=kind)
        http = APIClient()
        http.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        http.api_client = client
        return http

    return make


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def get_app(pk) -> LabourImmigrantPermitApplication:
    return LabourImmigrantPermitApplication.objects.get(pk=pk)
