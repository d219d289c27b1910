"""Celery jobs of labour-immigrant permits: thin and idempotent, each calls one service (STYLE.md "Tasks").
Schedules are registered in casework.schedules (kept in the database by django-celery-beat)."""

from celery import shared_task

from casework.schedules import PeriodicTaskSpec, register

from . import services


@shared_task(ignore_result=True)
def expire_permits() -> int:
    """Permits whose last valid day has passed become expired; their quota units are released."""
    return services.expire_permits()


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
    """Flag (once, in the history) applications and revocations whose step deadline has passed."""
    return services.watch_deadlines()


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
        "permits: deadline watch",
        "permits.tasks.watch_deadlines",
        crontab={"minute": "15", "hour": "*"},
        description=watch_deadlines.__doc__,
    ),
):
    register(spec)
