"""The durable record of "render this document" (casework.pdf.schedule_documents), like the webhook outbox.

A render is asked for after commit through Celery; with the broker down that request is lost. The row
written here in the service's transaction is not: the queued task marks it done, and the periodic sweep
(``casework.pdf.render_due`` through ``casework.tasks.render_pending_documents``) renders every row still
pending after a grace period, and failed ones again with backoff until ``RENDER_MAX_ATTEMPTS``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .issued import DocumentKind, DocumentLanguage

# A request still to be done (the sweep takes it; at most one per document: render_request_one_open).
OPEN_RENDER_STATUSES = ("pending", "failed")


class DocumentRenderRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("rendered")
        FAILED = "failed", _("failed (will be retried)")
        DEAD = "dead", _("failed (gave up)")

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, editable=False)
    case_id = models.PositiveBigIntegerField(editable=False)
    case_number = models.CharField(_("case number"), max_length=40, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=DocumentLanguage.choices, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    document_number = models.CharField(_("document number"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document render request")
        verbose_name_plural = _("document render requests")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="render_request_due_idx"),
            models.Index(fields=["case_type", "case_id", "kind", "language"], name="render_request_case_idx"),
        ]
        constraints = [
            # One open request per document: schedule_documents inserts with ON CONFLICT DO NOTHING instead of
            # looking first (one statement fewer per step, and two concurrent steps cannot both add one).
            models.UniqueConstraint(
                fields=["case_type", "case_id", "kind", "language"],
                condition=models.Q(status__in=list(OPEN_RENDER_STATUSES)),
                name="render_request_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_number or self.case_id} {self.kind} ({self.language}): {self.status}"
