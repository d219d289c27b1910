import datetime as dt

import pytest
from django.utils import timezone

from casework import roles
from casework.actors import Actor
from casework.models import Channel
from casework.notifications import MemoryBackend
from jobseekers import rules, services
from tests.factories import ClerkFactory, DistrictFactory, make_identifier


class Clock:
    """The office's clock, moved by hand (timezone.now is what every service, history row and step reads)."""

    def __init__(self, start: dt.datetime):
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at

    def set(self, year, month, day, hour=10, minute=0) -> dt.datetime:
        self.at = timezone.make_aware(dt.datetime(year, month, day, hour, minute))
        return self.at

    def advance(self, minutes: int = 0, seconds: int = 0) -> dt.datetime:
        self.at = self.at + dt.timedelta(minutes=minutes, seconds=seconds)
        return self.at


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.make_aware(dt.datetime(2026, 3, 19, 10, 0)))  # Thursday before Nauryz 2026
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(autouse=True)
def memory_notifications(settings):
    settings.NOTIFICATION_BACKEND = "casework.notifications.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


@pytest.fixture
def unit(db):
    return DistrictFactory()


@pytest.fixture
def specialist(unit):
    return ClerkFactory(unit=unit, roles=[roles.REGISTRAR, roles.OFFICER])


@pytest.fixture
def head(unit):
    return ClerkFactory(unit=unit, roles=[roles.HEAD])


_seq = iter(range(1, 10**6))


def citizen(**overrides) -> dict:
    n = next(_seq)
    data = {
        "surname": f"Сейітов{n}",
        "given_name": "Нұрлан",
        "patronymic": "",
        "birth_date": dt.date(1990, 4, 2),
        "citizenship": "KAZ",
        "passport_number": f"N{10000000 + n}",
        "iin": make_identifier(900402300000 + n * 13),
        "address": "Алматы, Абай 10",
        "phone": "+77015550101",
        "email": f"person{n}@example.kz",
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant():
    return citizen


@pytest.fixture
def register_js(unit):
    def register(applicant_data=None, **kwargs):
        kwargs.setdefault("residency", rules.CITIZEN)
        kwargs.setdefault("channel", Channel.OFFICE)
        kwargs.setdefault("actor", Actor.job("test"))
        return services.register_job_seeker(applicant=applicant_data or citizen(), unit=unit, **kwargs).case

    return register


@pytest.fixture
def register_ue(unit):
    def register(applicant_data=None, **kwargs):
        kwargs.setdefault("residency", rules.CITIZEN)
        kwargs.setdefault("channel", Channel.OFFICE)
        kwargs.setdefault("notify_by", rules.SMS)
        kwargs.setdefault("actor", Actor.job("test"))
        return services.register_unemployed(applicant=applicant_data or citizen(), unit=unit, **kwargs).case

    return register
