"""Fixtures of the qualification certificate tests: a clock set inside the office's calendar, the provider
unit, the catalogue, Commission members, clerks in each role, an API client."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.models import ApiClient
from casework.notifications import MemoryBackend
from casework.roles import COMMISSION_SECRETARY, HEAD, OFFICER, REGISTRAR
from tests.certificates.factories import CommissionMemberFactory, ProfessionFactory, clerk
from tests.factories import RegionFactory


class Clock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def set(self, year, month, day, hour=10, minute=0) -> dt.datetime:
        self.at = timezone.make_aware(dt.datetime(year, month, day, hour, minute))
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """Thursday 19.03.2026 10:00 office time: the day before the Nauryz days off (21–25.03.2026)."""
    clock = Clock(timezone.make_aware(dt.datetime(2026, 3, 19, 10, 0)))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(autouse=True)
def memory_notifications(settings):
    settings.NOTIFICATION_BACKEND = "casework.notifications.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


@pytest.fixture
def unit(db):
    return RegionFactory()


@pytest.fixture
def profession(db):
    return ProfessionFactory(code="1.1.1.4", name_ru="учитель физики", name_kk="физика мұғалімі")


@pytest.fixture
def members(unit):
    return [CommissionMemberFactory(unit=unit, is_chair=True), CommissionMemberFactory(unit=unit)]


@pytest.fixture
def registrar(unit):
    return clerk(unit, REGISTRAR)


@pytest.fixture
def officer(unit):
    return clerk(unit, OFFICER)


@pytest.fixture
def secretary(unit):
    return clerk(unit, COMMISSION_SECRETARY)


@pytest.fixture
def head(unit):
    return clerk(unit, HEAD)


@pytest.fixture
def portal(db):
    from rest_framework.test import APIClient

    client, key = ApiClient.issue("portal-test", ["applications:submit", "applications:read"])
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    http.api_client = client
    return http
