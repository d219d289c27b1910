"""Fixtures and helpers of the foreign-labour permit tests (seed 000). Imported by the other test_foreign_*
modules; the dates that matter are passed to the services (``at`` / ``on``), never frozen."""

import base64
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from casework.actors import Actor
from casework.models import Channel, TerritorialUnit
from permits.foreign_labour import rules
from permits.foreign_labour import services as flp
from permits.foreign_labour.models import (
    AgendaItem,
    CommissionMember,
    FeePayment,
    ForeignLabourPermit,
    ForeignLabourPermitApplication,
)
from permits.signatures import HmacTestDoubleVerifier, application_digest
from tests.factories import ClerkFactory, DistrictFactory, RegionFactory, make_identifier
from tests.samples import PDF

ALMATY = ZoneInfo("Asia/Almaty")
EMPLOYER_BIN = make_identifier(61_040_000_123)
ENTREPRENEUR_IIN = make_identifier(85_030_300_456)
OTHER_BIN = make_identifier(71_050_000_789)


def at(y, m, d, hh=10, mm=0) -> dt.datetime:
    """A moment in office time (Asia/Almaty)."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=ALMATY)


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def district(region):
    return DistrictFactory(parent=region)


@pytest.fixture
def job():
    return Actor.job("test")


@pytest.fixture
def members(region):
    return [
        CommissionMember.objects.create(unit=region, full_name="Chair A", role=CommissionMember.Role.CHAIR),
        CommissionMember.objects.create(unit=region, full_name="Secretary B", role=CommissionMember.Role.SECRETARY),
    ]


def employer(bin_=EMPLOYER_BIN, **extra) -> dict:
    data = {"bin": bin_, "name": "TOO Caspian Drilling", "address": "Aktau, 9-1", "email": "hr@caspian.example"}
    data.update(extra)
    return data


def transferee(passport="P7654321", surname="Smith") -> dict:
    return {
        "surname": surname,
        "given_name": "John",
        "patronymic": "",
        "birth_date": dt.date(1980, 5, 6),
        "citizenship": "GBR",
        "passport_number": passport,
        "passport_issued_on": dt.date(2019, 3, 1),
        "passport_issuer": "HMPO",
        "iin": "",
        "address": "",
        "residence_country_address": "London",
        "phone": "",
        "email": "",
    }


def documents(kind=rules.ISSUE, intra=False) -> list[dict]:
    return [{"type": alts[0], "filename": f"{alts[0]}.pdf", "content": PDF} for alts in rules._REQUIRED[(kind, intra)]]


def application_input(unit, kind=rules.ISSUE, intra=False, received=None, **overrides):
    data = dict(
        kind=kind,
        unit=unit,
        employer=employer(),
        channel=Channel.OFFICE,
        intra_corporate=intra,
        term_months=12 if kind != rules.REISSUE else None,
        documents=documents(kind, intra),
        received_at=received or at(2026, 3, 2, 10, 0),
    )
    if kind == rules.ISSUE and not intra:
        data["workers"] = [
            {"profession": "drilling engineer", "qualification_category": "3", "count": 3, "territory": ""},
            {"profession": "project manager", "qualification_category": "2", "count": 1, "territory": ""},
        ]
    if kind == rules.ISSUE and intra:
        data["transferees"] = [
            {"person": transferee(), "profession": "site manager", "qualification_category": "2", "territory": ""}
        ]
        data["sending_company"] = "Caspian Drilling Ltd (UK)"
    data.update(overrides)
    return flp.ForeignLabourApplicationInput(**data)


def get_app(pk) -> ForeignLabourPermitApplication:
    return ForeignLabourPermitApplication.objects.get(pk=pk)


def commission(app, members, *, decision=AgendaItem.Decision.APPROVE, reasons="", when=None, actor=None):
    """Schedule a meeting, put the application on its agenda and record the protocol."""
    actor = actor or Actor.job("test")
    when = when or at(2026, 3, 6, 15, 0)
    meeting = flp.schedule_meeting(unit=app.unit, held_on=when.date(), place="Aktau", actor=actor)
    flp.put_on_agenda(meeting.pk, app.pk, actor=actor)
    flp.record_protocol(
        meeting.pk,
        decisions={app.pk: flp.Decision(decision, reasons)},
        members_present=[m.pk for m in members],
        actor=actor,
        at=when,
    )
    return meeting


def pay_fee(app, when, actor=None) -> FeePayment:
    actor = actor or Actor.job("test")
    payment = flp.submit_fee_proof(
        app.pk, filename="payment.pdf", content=PDF, channel="office", actor=actor, amount=12000, at=when
    )
    flp.confirm_fee(payment.pk, actor=actor, at=when + dt.timedelta(minutes=5))
    return payment


def issue_through(app, when, actor=None):
    """The head signs, the office issues against the journal signature."""
    actor = actor or Actor.job("test")
    flp.sign_permit(app.pk, actor=actor, at=when)
    return flp.issue_permit(app.pk, collected_by="Aliyev Marat", collector_document="ID 123", actor=actor, at=when)


def issued_permit(unit, members, intra=False, received=None) -> ForeignLabourPermit:
    """A permit issued through the whole ordinary (or intra-corporate) issue flow."""
    received = received or at(2026, 2, 2)
    app, _code = flp.submit_foreign_labour_application(
        application_input(unit, intra=intra, received=received), actor=Actor.job("test")
    )
    flp.complete_check(app.pk, actor=Actor.job("test"), at=received + dt.timedelta(days=1))
    commission(app, members, when=received + dt.timedelta(days=2))
    if not intra:
        flp.send_letter(app.pk, actor=Actor.job("test"), on=(received + dt.timedelta(days=3)).date())
        pay_fee(app, received + dt.timedelta(days=4))
    app = issue_through(app, received + dt.timedelta(days=5))
    return ForeignLabourPermit.objects.get(pk=app.result_permit_id)


def clerk(unit, *roles):
    from django.contrib.auth.models import Group

    from casework.roles import sync_role_permissions

    sync_role_permissions()
    user = ClerkFactory(unit=unit)
    user.groups.set([Group.objects.get(name=r) for r in roles])
    return user


def sign_body(body: dict, signer: str) -> dict:
    return {"signer_id": signer, "signature_base64": HmacTestDoubleVerifier.sign(application_digest(body), signer)}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def region_unit() -> TerritorialUnit:
    return RegionFactory()
