"""Celery jobs of the job-seeker services: thin and idempotent, they call services."""

from celery import shared_task

from casework.notifications import NotificationError


@shared_task(
    name="jobseekers.inform_unemployed",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(NotificationError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def inform_unemployed(pk: int) -> str:
    """002-2 §5(4): tell the person the decision by SMS / e-mail (sent once, whatever the retries)."""
    from .services import send_decision_notification

    return send_decision_notification(pk)
