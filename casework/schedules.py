"""Periodic jobs, kept in the database by django-celery-beat so an administrator can see and change them.

An app registers its jobs at import time (e.g. in its ``tasks.py`` or ``AppConfig.ready()``)::

    from casework.schedules import PeriodicTaskSpec, register
    register(PeriodicTaskSpec("expire permits", "permits.tasks.expire_permits", crontab={"minute": "5", "hour": "0"}))

``sync_periodic_tasks()`` runs after ``migrate`` (post_migrate of casework) and creates the missing
``PeriodicTask`` rows; for existing rows it updates what the code owns (task path, arguments,
description) and leaves what an administrator owns (the schedule, enabled / disabled) alone.
Pass ``reset_schedules=True`` to impose the registry's schedules again.
"""

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTaskSpec:
    name: str  # unique, what the admin shows
    task: str  # dotted path of the Celery task
    crontab: dict | None = None  # {"minute": "0", "hour": "3", "day_of_week": "*", ...}
    every_seconds: int | None = None
    kwargs: dict = field(default_factory=dict)
    description: str = ""

    def __post_init__(self):
        if (self.crontab is None) == (self.every_seconds is None):
            raise ValueError(f"{self.name}: give exactly one of crontab or every_seconds")


PERIODIC_TASKS: list[PeriodicTaskSpec] = []


def register(spec: PeriodicTaskSpec) -> PeriodicTaskSpec:
    """Add ``spec`` (a later registration with the same name replaces the earlier one)."""
    PERIODIC_TASKS[:] = [s for s in PERIODIC_TASKS if s.name != spec.name]
    PERIODIC_TASKS.append(spec)
    return spec


register(
    PeriodicTaskSpec(
        name="casework: deliver pending webhooks (outbox sweep)",
        task="casework.tasks.deliver_outbox",
        every_seconds=60,
        description="Sends webhook messages whose delivery was not enqueued (broker down) or is due for a retry.",
    )
)
register(
    PeriodicTaskSpec(
        name="casework: render pending documents (render sweep)",
        task="casework.tasks.render_pending_documents",
        every_seconds=60,
        description=(
            "Renders issued documents whose render task was not queued (broker down) or failed: pending for "
            "more than RENDER_SWEEP_GRACE_SECONDS, failed ones again with backoff up to RENDER_MAX_ATTEMPTS."
        ),
    )
)
register(
    PeriodicTaskSpec(
        name="casework: open newly attached documents in full",
        task="casework.tasks.check_attached_documents",
        every_seconds=60,
        description=(
            "At filing a document is recognised by its first bytes; this opens each new one in full (PDF pages, "
            "every image pixel) and flags a file the clerk could not open."
        ),
    )
)
register(
    PeriodicTaskSpec(
        name="casework: purge idempotency keys older than 48 h",
        task="casework.tasks.purge_idempotency_records",
        crontab={"minute": "17", "hour": "*"},
        description="API.md keeps Idempotency-Key responses at least 24 hours; these are older than 48.",
    )
)
register(
    PeriodicTaskSpec(
        name="casework: beat heartbeat (health check)",
        task="casework.health.record_beat_heartbeat",
        every_seconds=30,
        description="Writes a timestamp that /health/ready checks: beat scheduled it and a worker ran it.",
    )
)


def _schedule_for(spec: PeriodicTaskSpec) -> dict:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule

    if spec.every_seconds is not None:
        interval, _ = IntervalSchedule.objects.get_or_create(every=spec.every_seconds, period=IntervalSchedule.SECONDS)
        return {"interval": interval, "crontab": None}
    fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    fields.update(spec.crontab or {})
    crontab = CrontabSchedule.objects.filter(timezone=settings.TIME_ZONE, **fields).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(timezone=settings.TIME_ZONE, **fields)
    return {"crontab": crontab, "interval": None}


def sync_periodic_tasks(*, reset_schedules: bool = False) -> None:
    from django_celery_beat.models import PeriodicTask

    for spec in PERIODIC_TASKS:
        code_owned = {
            "task": spec.task,
            "kwargs": json.dumps(spec.kwargs, sort_keys=True),
            "description": spec.description,
        }
        task = PeriodicTask.objects.filter(name=spec.name).first()
        if task is None:
            PeriodicTask.objects.create(name=spec.name, **code_owned, **_schedule_for(spec))
            logger.info("periodic task installed: %s", spec.name)
            continue
        changed = {k: v for k, v in code_owned.items() if getattr(task, k) != v}
        if reset_schedules:
            changed.update(_schedule_for(spec))
        if changed:
            for key, value in changed.items():
                setattr(task, key, value)
            task.save()


def sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver (connected for casework in CaseworkConfig.ready)."""
    if using != DEFAULT_DB_ALIAS:
        return
    tables = connections[using].introspection.table_names()
    if "django_celery_beat_periodictask" not in tables:
        return  # beat's tables are not migrated (yet): nothing to sync into
    sync_periodic_tasks()
