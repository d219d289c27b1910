import datetime as dt

import pytest
from django.utils import timezone

from casework import registry
from casework.actors import Actor
from casework.models import Channel
from casework.roles import HEAD, OFFICER
from complaints import rules, services
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, DistrictFactory, PersonFactory
from workcalendar import services as calendar

JOB = Actor.job("test")


@pytest.fixture(autouse=True)
def demo_service_in_registry(monkeypatch):
    """The minimal DemoCase plays "any service" in the generic application lookup."""
    monkeypatch.setitem(registry._SERVICES, "DC", registry.ServiceEntry(prefix="DC", model=DemoCase))


@pytest.fixture
def application(db):
    unit = DistrictFactory()
    return DemoCase.objects.create(
        number=f"DC-2026-{DemoCase.objects.count() + 1:06d}",
        kind="issue",
        channel=Channel.PORTAL,
        regulation_version="test",
        unit=unit,
        received_at=timezone.now(),
        applicant=PersonFactory(iin=""),
    )


def identity(person, **overrides) -> dict:
    data = {
        "surname": person.surname,
        "given_name": person.given_name,
        "patronymic": None,
        "birth_date": person.birth_date.isoformat(),
        "citizenship": person.citizenship,
        "passport_number": person.passport_number,
        "iin": None,
    }
    data.update(overrides)
    return data


def body(application, **overrides) -> dict:
    data = {
        "application_number": application.number,
        "subject": rules.DECISION,
        "addressee": rules.PROVIDER,
        "complainant": identity(application.applicant),
        "text": "The refusal ignores my diploma.",
        "documents": [],
    }
    data.update(overrides)
    return data


def file(application, *, received_at=None, actor=JOB, **overrides):
    return services.file_complaint(
        body(application, **overrides), channel=Channel.PORTAL, actor=actor, received_at=received_at
    )


def working_days_ago(n: int) -> dt.datetime:
    day = calendar.add_working_days(timezone.localdate(), -n)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def officer(application):
    return ClerkFactory(unit=application.unit, roles=[OFFICER])


@pytest.fixture
def head(application):
    return ClerkFactory(unit=application.unit, roles=[HEAD])
