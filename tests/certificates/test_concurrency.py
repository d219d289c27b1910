"""Jobs and decisions that run twice at the same moment (PostgreSQL row locks)."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from casework.exceptions import ServiceError
from casework.models import TransitionLog
from certificates import services
from certificates.models import Certificate
from tests.certificates.factories import JOB, issued_certificate
from tests.certificates.test_services import assessed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_twice(func):
    barrier = threading.Barrier(2)

    def attempt(_):
        try:
            barrier.wait()
            return func()
        except ServiceError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(attempt, range(2)))


def test_two_expiry_jobs_at_once_expire_each_certificate_once_003_s23(clock, unit, members):
    certificates = [issued_certificate(unit, members=members)[1] for _ in range(3)]
    results = run_twice(lambda: services.expire_due_certificates(today=dt.date(2026, 7, 1)))
    assert sum(results) == 3
    assert set(Certificate.objects.values_list("status", flat=True)) == {"expired"}
    for certificate in certificates:
        assert TransitionLog.objects.filter(case_number=certificate.number, transition="expire").count() == 1


def test_two_heads_issuing_at_once_give_one_certificate(clock, unit, members):
    application = assessed(unit, members)
    results = run_twice(lambda: services.issue_certificate(application, actor=JOB).number)
    assert sorted(map(str, results))[0].startswith("QCC-") and len(set(results)) == 2
    assert Certificate.objects.count() == 1


def test_two_reminder_jobs_at_once_remind_once(clock, unit, members, memory_notifications):
    issued_certificate(unit, members=members)
    results = run_twice(lambda: services.send_expiry_reminders(today=dt.date(2026, 6, 10)))
    assert sorted(results) == [0, 1] and len(memory_notifications) == 1
