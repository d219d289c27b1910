"""Celery jobs of the qualification certificate service: thin, idempotent, safe twice or concurrently
(each calls a service that locks with skip_locked or updates conditionally). Schedules: registered in
``casework.schedules`` and kept in the database by django-celery-beat."""

from celery import shared_task

from casework.schedules import PeriodicTaskSpec, register

from . import services


@shared_task(ignore_result=True)
def expire_certificates(batch: int = 50_000) -> int:
    """End active certificates whose term is over (003 §23 1)), one history row each; a batch is one
    set-based statement (``casework.expiry.end_due``), one transaction each."""
    total = 0
    while True:
        done = services.expire_due_certificates(batch=batch)
        total += done
        if done < batch:
            return total


@shared_task(ignore_result=True)
def remind_expiring_certificates() -> int:
    """Remind holders 10 days before their certificate ends (so they can extend it, 003 §16–17)."""
    return services.send_expiry_reminders()


@shared_task(ignore_result=True)
def flag_step_deadlines() -> dict:
    """Mark open applications' step deadlines due soon / overdue (set-based, indexed)."""
    return services.flag_step_deadlines()


register(
    PeriodicTaskSpec(
        name="certificates: expire certificates at the end of their term",
        task="certificates.tasks.expire_certificates",
        crontab={"minute": "5", "hour": "0"},
        description="003 §23 1): a certificate ends when its term is over; one history row per certificate.",
    )
)
register(
    PeriodicTaskSpec(
        name="certificates: remind holders 10 days before expiry",
        task="certificates.tasks.remind_expiring_certificates",
        crontab={"minute": "0", "hour": "9"},
        description="Tells the holder the certificate ends in 10 days and how to extend it (003 §16–17).",
    )
)
register(
    PeriodicTaskSpec(
        name="certificates: flag due-soon and overdue steps",
        task="certificates.tasks.flag_step_deadlines",
        crontab={"minute": "*/30"},
        description="Marks open applications whose step deadline is today/next working day or has passed.",
    )
)
