"""004 §20 under load: 200 simultaneous issue attempts at a unit with 50 free quota units (PostgreSQL)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from casework.actors import Actor
from casework.exceptions import RuleViolation
from casework.models import Channel, NumberSequence, Organisation, Person
from permits import rules, services
from permits.models import (
    ApplicationStatus,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    PoliceCheck,
    Quota,
)

from .conftest import EMPLOYER_IIN

ATTEMPTS = 200
FREE = 50
WORKERS = 25  # connections at a time: well under max_connections, still 25 racing transactions


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_issues_on_50_free_units_give_exactly_50_permits_004_s20(unit, make_quota, monkeypatch):
    # The PDFs (annex 5) are rendered after commit and are not what this test is about: 100 WeasyPrint
    # renderings would take over a minute on two cores.
    monkeypatch.setattr(services, "_render", lambda *args: None)
    quota = make_quota(unit, total=FREE + 10)
    Quota.objects.filter(pk=quota.pk).update(issued=10)  # 10 already in use: 50 free
    person = Person.objects.create(
        surname="Karimov", given_name="Aziz", birth_date="1990-04-02", citizenship="UZB", passport_number="FA1234567"
    )
    employer = Organisation.objects.create(kind=Organisation.Kind.INDIVIDUAL, name="Seitkali", iin=EMPLOYER_IIN)
    today = timezone.localdate()
    now = timezone.now()
    far = rules.add_months(today, 30)
    apps = LabourImmigrantPermitApplication.objects.bulk_create(
        [
            LabourImmigrantPermitApplication(
                number=f"LIP-T-{n:06d}",
                kind=rules.ISSUE,
                channel=Channel.PORTAL,
                regulation_version=rules.REGULATION_VERSION,
                unit=unit,
                received_at=now,
                registered_on=today,
                applicant=person,
                employer=employer,
                term_months=6,
                status=ApplicationStatus.UNDER_REVIEW,
                police_check=PoliceCheck.POSITIVE,
                insurance_valid_until=far,
            )
            for n in range(ATTEMPTS)
        ]
    )
    NumberSequence.next_number(services.PERMIT_PREFIX, today.year)  # the sequence row exists before the race
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(index: int, pk: int) -> None:
        try:
            if index < WORKERS:
                start.wait(timeout=10)  # the first wave starts together
            services.issue_permit(pk, actor=Actor.job("race"))
            result = "issued"
        except RuleViolation as exc:
            result = exc.code
        except Exception as exc:  # anything else is a failure of the test
            result = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(lambda args: attempt(*args), enumerate(a.pk for a in apps)))
    elapsed = time.monotonic() - began

    assert len(outcomes) == ATTEMPTS
    assert outcomes.count("issued") == FREE, sorted(set(outcomes))
    assert outcomes.count(rules.QUOTA_EXHAUSTED) == ATTEMPTS - FREE, sorted(set(outcomes))
    quota = Quota.objects.get(pk=quota.pk)
    assert (quota.total, quota.reserved, quota.issued) == (FREE + 10, 0, FREE + 10)
    assert LabourImmigrantPermit.objects.filter(quota=quota, holds_quota_unit=True).count() == FREE
    assert LabourImmigrantPermitApplication.objects.filter(status=ApplicationStatus.ISSUED).count() == FREE
    assert (
        LabourImmigrantPermitApplication.objects.filter(status=ApplicationStatus.UNDER_REVIEW).count()
        == ATTEMPTS - FREE
    )
    assert elapsed < 30, f"took {elapsed:.1f} s"
