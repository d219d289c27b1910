"""Races (issue 9). The quota race lives in tests/permits/test_concurrency_postgres.py (200 issues on 50 units)
and the 100 concurrent retries of one Idempotency-Key in tests/casework/test_idempotency.py; here: the same
transition asked 20 times at once, and the two expiry jobs at once at a batch boundary."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from casework.actors import Actor
from casework.exceptions import ServiceError
from casework.models import Channel, TransitionLog
from casework.services import run_transition
from tests.caseapp.models import DemoCase
from tests.factories import DistrictFactory, PersonFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(n: int, func):
    barrier = threading.Barrier(n)

    def attempt(_):
        try:
            barrier.wait(timeout=30)
            return func()
        except ServiceError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(attempt, range(n), timeout=120))


def test_20_identical_transitions_at_once_make_one_change_19_conflicts_one_history_row():
    case = DemoCase.objects.create(
        number="DC-2026-000001",
        kind="issue",
        channel=Channel.OFFICE,
        regulation_version="test",
        unit=DistrictFactory(),
        received_at=timezone.now(),
        applicant=PersonFactory(),
    )
    # Every caller saw the case "received" at version 1 (as an admin form or an If-Match would send).
    results = race(
        20,
        lambda: run_transition(
            DemoCase, case.pk, "register", actor=Actor.job("race"), expected_state="received", expected_version=1
        ),
    )
    won = [r for r in results if isinstance(r, DemoCase)]
    lost = [r for r in results if isinstance(r, ServiceError)]
    assert len(won) == 1 and len(lost) == 19
    assert {e.status_code for e in lost} <= {409, 412}  # conflict: the state or the version moved
    fresh = DemoCase.objects.get(pk=case.pk)
    assert fresh.status == "registered" and fresh.version == 2
    assert TransitionLog.objects.filter(case_number=case.number, transition="register").count() == 1


def test_two_set_based_permit_expiry_jobs_at_once_end_each_permit_once_and_release_each_unit_once():
    import datetime as dt

    from permits import services
    from permits.models import LabourImmigrantPermit, Quota
    from tests.reliability.test_expiry_jobs import make_permits

    permits, quota = make_permits(7, valid_to=dt.date(2026, 5, 31))
    results = race(2, lambda: services.expire_permits(today=dt.date(2026, 6, 1), batch=3))
    assert sum(results) == 7
    assert set(LabourImmigrantPermit.objects.values_list("status", flat=True)) == {"expired"}
    assert Quota.objects.get(pk=quota.pk).issued == 0
    for permit in permits:
        assert TransitionLog.objects.filter(case_number=permit.number, transition="expire").count() == 1
