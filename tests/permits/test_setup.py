"""Reference/demo data hooks and the periodic jobs of labour-immigrant permits."""

import pytest
from django.apps import apps

from casework.models import TerritorialUnit
from casework.schedules import PERIODIC_TASKS
from permits.models import Quota

pytestmark = pytest.mark.django_db


def test_demo_data_gives_the_demo_units_a_quota_and_is_idempotent():
    from casework.management.commands.setup_office import load_units

    load_units()
    config = apps.get_app_config("permits")
    config.load_reference_data()
    config.load_demo_data()
    config.load_demo_data()
    assert sorted(Quota.objects.values_list("unit__code", flat=True)) == ["471010000", "473630000"]
    assert TerritorialUnit.objects.get(code="471010000").quotas.get().total == 50


def test_jobs_are_registered_in_casework_schedules():
    tasks = {spec.task for spec in PERIODIC_TASKS}
    assert {
        "permits.tasks.expire_permits",
        "permits.tasks.release_lapsed_reservations",
        "permits.tasks.send_extension_reminders",
        "permits.tasks.deliver_revocation_information",
        "permits.tasks.watch_deadlines",
    } <= tasks


def test_jobs_run_as_celery_tasks(unit, quota):
    from permits import tasks

    assert tasks.expire_permits.delay().get() == 0
    assert tasks.release_lapsed_reservations.delay().get() == 0
    assert tasks.send_extension_reminders.delay().get() == 0
    assert tasks.deliver_revocation_information.delay().get() == {"delivered": 0, "published": 0}
    assert tasks.watch_deadlines.delay().get() == 0
