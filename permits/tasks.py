"""Celery jobs of labour-immigrant permits and foreign-labour permits: thin and idempotent, each calls services
(STYLE.md "Tasks"). Schedules are registered in casework.schedules (kept in the database by django-celery-beat)."""

from celery import shared_task

from casework.notifications import NotificationError
from casework.schedules import PeriodicTaskSpec, register

from . import services
from .foreign_labour import services as foreign_labour


@shared_task(ignore_result=True)
def expire_permits() -> int:
    """Permits (labour-immigrant and foreign-labour) whose last valid day has passed become expired; their
    quota units are released."""
    return services.expire_permits() + foreign_labour.expire_permits()


@shared_task(ignore_result=True)
def release_lapsed_reservations() -> int:
    """004 §12: agreements of intent hold a unit for 10 calendar days; afterwards it is free again."""
    return services.release_lapsed_reservations()


@shared_task(ignore_result=True)
def send_extension_reminders() -> int:
    """004 §24: the extension window opens 30 days before expiry; a second reminder 2 days before it closes."""
    return services.send_extension_reminders()


@shared_task(ignore_result=True)
def deliver_revocation_information() -> dict:
    """004 §39: annex 9 information reaches internal affairs within 2 working days."""
    return services.deliver_revocation_information()


@shared_task(ignore_result=True)
def watch_deadlines() -> int:
    """Flag (once, in the history) applications (both permit services) and revocations whose step deadline
    has passed."""
    return services.watch_deadlines()


@shared_task(ignore_result=True)
def lapse_unpaid_foreign_labour_applications() -> int:
    """DOMAIN.md §5 ruling: no copy of the fee payment within 10 working days of the letter → fee_lapsed."""
    return foreign_labour.lapse_unpaid_applications()


@shared_task(
    name="permits.notify_foreign_labour_employer",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(NotificationError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def notify_foreign_labour_employer(app_id: int, event: str) -> str:
    """Tell the employer (e-mail, else SMS) about the letter, the issue, a refusal or a lapse; sent once."""
    return foreign_labour.notify_employer(app_id, event)


for spec in (
    PeriodicTaskSpec(
        "permits: expire labour-immigrant permits",
        "permits.tasks.expire_permits",
        crontab={"minute": "5", "hour": "0"},
        description=expire_permits.__doc__,
    ),
    PeriodicTaskSpec(
        "permits: release lapsed quota reservations (004 §12)",
        "permits.tasks.release_lapsed_reservations",
        crontab={"minute": "10", "hour": "0"},
        description=release_lapsed_reservations.__doc__,
    ),
    PeriodicTaskSpec(
        "permits: extension window reminders (004 §24)",
        "permits.tasks.send_extension_reminders",
        crontab={"minute": "0", "hour": "9"},
        description=send_extension_reminders.__doc__,
    ),
    PeriodicTaskSpec(
        "permits: deliver revocation information to internal affairs (004 §39)",
        "permits.tasks.deliver_revocation_information",
        every_seconds=300,
        description=deliver_revocation_information.__doc__,
    ),
    PeriodicTaskSpec(
        "permits: lapse unpaid foreign-labour permit applications (000 §5)",
        "permits.tasks.lapse_unpaid_foreign_labour_applications",
        crontab={"minute": "20", "hour": "0"},
        description=lapse_unpaid_foreign_labour_applications.__doc__,
    ),
    PeriodicTaskSpec(
        "permits: deadline watch",
        "permits.tasks.watch_deadlines",
        crontab={"minute": "15", "hour": "*"},
        description=watch_deadlines.__doc__,
    ),
):
    register(spec)
