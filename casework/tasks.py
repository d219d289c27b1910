"""Celery jobs of the shared API infrastructure. Thin and idempotent: each may run twice or be killed
midway without losing or doubling anything (STYLE.md "Tasks"). Their schedules: casework.schedules."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from casework import documents, outbox, pdf
from casework.api.idempotency import RETENTION_HOURS
from casework.models import IdempotencyRecord


@shared_task(ignore_result=True)
def deliver_outbox(message_ids: list[int] | None = None, limit: int = 200) -> dict:
    """Send due webhook messages: the ones just published (``message_ids``) or, from the periodic
    sweep, every due pending one (``message_ids`` None)."""
    return outbox.deliver_due(message_ids=message_ids, limit=limit)


@shared_task(ignore_result=True)
def purge_idempotency_records(older_than_hours: int = RETENTION_HOURS) -> int:
    """API.md keeps keys at least 24 hours; we keep them 48 and then forget them."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(ignore_result=True)
def render_pending_documents(limit: int = 100) -> dict:
    """Render the documents whose render task was lost (broker down) or failed (casework.pdf.render_due)."""
    return pdf.render_due(limit=limit)


@shared_task(ignore_result=True, soft_time_limit=240)
def check_attached_documents(limit: int = documents.CHECK_BATCH) -> dict:
    """Open the newly attached documents in full and flag those a clerk could not open
    (casework.documents.check_pending)."""
    return documents.check_pending(limit=limit)
