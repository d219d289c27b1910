"""Periodic jobs registered in casework.schedules are installed into django-celery-beat by migrate."""

import json

import pytest
from django_celery_beat.models import PeriodicTask

from casework import schedules
from casework.schedules import PeriodicTaskSpec, sync_periodic_tasks

pytestmark = pytest.mark.django_db

SWEEP = "casework: deliver pending webhooks (outbox sweep)"
PURGE = "casework: purge idempotency keys older than 48 h"


def test_migrate_installed_the_outbox_sweep_and_the_idempotency_purge():
    sweep = PeriodicTask.objects.get(name=SWEEP)
    assert sweep.task == "casework.tasks.deliver_outbox"
    assert sweep.interval.every == 60 and sweep.crontab is None
    purge = PeriodicTask.objects.get(name=PURGE)
    assert purge.task == "casework.tasks.purge_idempotency_records"
    assert (purge.crontab.minute, purge.crontab.hour) == ("17", "*")


def test_sync_is_idempotent_and_keeps_what_an_administrator_changed():
    sync_periodic_tasks()
    count = PeriodicTask.objects.count()
    PeriodicTask.objects.filter(name=SWEEP).update(enabled=False)
    sweep = PeriodicTask.objects.get(name=SWEEP)
    sweep.interval.every = 300
    sweep.interval.save()
    sync_periodic_tasks()
    sync_periodic_tasks()
    assert PeriodicTask.objects.count() == count
    sweep = PeriodicTask.objects.get(name=SWEEP)
    assert not sweep.enabled
    assert sweep.interval.every == 300


def test_a_registered_task_is_created_and_code_owned_fields_follow_the_code(monkeypatch):
    monkeypatch.setattr(schedules, "PERIODIC_TASKS", list(schedules.PERIODIC_TASKS))
    schedules.register(
        PeriodicTaskSpec("permits: expire", "permits.tasks.expire", crontab={"minute": "5", "hour": "0"})
    )
    sync_periodic_tasks()
    task = PeriodicTask.objects.get(name="permits: expire")
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == ("5", "0", "Asia/Almaty")

    schedules.register(
        PeriodicTaskSpec(
            "permits: expire", "permits.tasks.expire_v2", crontab={"minute": "5", "hour": "0"}, kwargs={"a": 1}
        )
    )
    sync_periodic_tasks()
    task = PeriodicTask.objects.get(name="permits: expire")
    assert task.task == "permits.tasks.expire_v2"
    assert json.loads(task.kwargs) == {"a": 1}


def test_a_spec_needs_exactly_one_schedule():
    with pytest.raises(ValueError):
        PeriodicTaskSpec("x", "y")
    with pytest.raises(ValueError):
        PeriodicTaskSpec("x", "y", crontab={"minute": "0"}, every_seconds=60)
