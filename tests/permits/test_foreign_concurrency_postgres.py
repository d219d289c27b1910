"""The fee lapse job under concurrency (PostgreSQL): two runs at once lapse each unpaid application once; a clerk
confirming the fee while the job runs — one of them wins, never both (DOMAIN.md §5 ruling)."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from casework.models import TransitionLog
from permits.foreign_labour import services as flp
from permits.foreign_labour.models import FeePayment, FLPStatus, ForeignLabourPermitApplication
from tests.samples import PDF

from .test_foreign_support import *  # noqa: F403  fixtures: region, members, job
from .test_foreign_support import application_input, at, commission

D = dt.date


def awaiting_fee(region, members, job, n):
    apps = []
    for _ in range(n):
        app, _code = flp.submit_foreign_labour_application(
            application_input(region, received=at(2026, 3, 2)), actor=job
        )
        flp.complete_check(app.pk, actor=job, at=at(2026, 3, 3))
        commission(app, members, when=at(2026, 3, 4, 15))
        apps.append(flp.send_letter(app.pk, actor=job, on=D(2026, 4, 1)))  # fee due 15.04.2026
    return apps


def in_thread(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the loser's error is the result
        return exc
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_lapse_runs_at_once_lapse_each_application_once(region, members, job, monkeypatch):
    monkeypatch.setattr(flp, "_render", lambda *args: None)
    apps = awaiting_fee(region, members, job, 4)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: in_thread(flp.lapse_unpaid_applications, today=D(2026, 4, 16)), range(2)))
    assert sum(results) == 4, results
    numbers = [a.number for a in apps]
    assert TransitionLog.objects.filter(case_number__in=numbers, transition="lapse").count() == 4
    assert set(ForeignLabourPermitApplication.objects.values_list("status", flat=True)) == {FLPStatus.FEE_LAPSED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clerk_confirming_the_fee_and_the_lapse_job_racing_one_wins(region, members, job, monkeypatch):
    monkeypatch.setattr(flp, "_render", lambda *args: None)
    (app,) = awaiting_fee(region, members, job, 1)
    payment = flp.submit_fee_proof(
        app.pk, filename="p.pdf", content=PDF, channel="office", actor=job, at=at(2026, 4, 2)
    )
    FeePayment.objects.filter(pk=payment.pk).update(submitted_at=at(2026, 4, 20))  # as if it came too late
    with ThreadPoolExecutor(max_workers=2) as pool:
        confirm = pool.submit(in_thread, flp.confirm_fee, payment.pk, actor=job)
        lapse = pool.submit(in_thread, flp.lapse_unpaid_applications, today=D(2026, 4, 21))
        outcomes = confirm.result(), lapse.result()
    status = ForeignLabourPermitApplication.objects.get(pk=app.pk).status
    assert status in (FLPStatus.AWAITING_SIGNATURE, FLPStatus.FEE_LAPSED), outcomes
    moves = TransitionLog.objects.filter(case_number=app.number, transition__in=("fee_paid", "lapse")).count()
    assert moves == 1, outcomes
