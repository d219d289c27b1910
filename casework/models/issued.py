"""Official documents the office issues (certificates, refusals, receipts, protocols...) as stored PDFs.

One row is one PDF in one language rendered from one version of a case. The Kazakh and the Russian
rendering of the same document (same case, kind and case version) share one ``number``: they are the
same document in the two languages the office issues it in, and ``/verify/<number>`` checks both.

Rows are created only by ``casework.pdf.issue_document`` and their status changes only through
``casework.pdf.set_document_status``: the verify page trusts them.
"""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .documents import get_private_storage


def issued_document_path(instance: "IssuedDocument", filename: str) -> str:
    # A random name: the number is public, but the file is served only through checked views.
    return f"issued/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.pdf"


class DocumentKind(models.TextChoices):
    APPLICATION_FORM = "application_form", pgettext_lazy("document kind", "application")
    RECEIPT = "receipt", pgettext_lazy("document kind", "receipt of acceptance")
    REFUSAL_TO_ACCEPT = "refusal_to_accept", pgettext_lazy("document kind", "refusal to accept the application")
    COMMISSION_PROTOCOL = "commission_protocol", pgettext_lazy("document kind", "Commission protocol")
    CERTIFICATE = "certificate", pgettext_lazy("document kind", "certificate")
    PERMIT = "permit", pgettext_lazy("document kind", "permit")
    REFUSAL = "refusal", pgettext_lazy("document kind", "motivated refusal")
    NOTICE = "notice", pgettext_lazy("document kind", "notice")
    DECISION = "decision", pgettext_lazy("document kind", "decision")
    REVOCATION = "revocation", pgettext_lazy("document kind", "revocation decision")


class DocumentLanguage(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")


class DocumentStatus(models.TextChoices):
    VALID = "valid", pgettext_lazy("document status", "valid")
    REVOKED = "revoked", pgettext_lazy("document status", "revoked")
    EXPIRED = "expired", pgettext_lazy("document status", "expired")
    SUPERSEDED = "superseded", pgettext_lazy("document status", "superseded by a newer document")
    TERMINATED = "terminated", pgettext_lazy("document status", "terminated")
    VOID = "void", pgettext_lazy("document status", "void (issued in error)")


class IssuedDocumentQuerySet(models.QuerySet):
    def for_case(self, case) -> "IssuedDocumentQuerySet":
        return self.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)

    def update(self, **kwargs):
        if "status" in kwargs:
            raise ValueError("change a document's status with casework.pdf.set_document_status")
        return super().update(**kwargs)


class IssuedDocument(models.Model):
    number = models.CharField(_("document number"), max_length=40, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices, editable=False)
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, editable=False)
    case_id = models.PositiveBigIntegerField(editable=False)
    case = GenericForeignKey("case_type", "case_id")
    case_number = models.CharField(_("case number"), max_length=40, db_index=True, editable=False)
    case_version = models.PositiveIntegerField(_("case version rendered"), editable=False)
    language = models.CharField(_("language"), max_length=2, choices=DocumentLanguage.choices, editable=False)
    file = models.FileField(storage=get_private_storage, upload_to=issued_document_path, max_length=255, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size, bytes"), editable=False)
    # What the document shows, and nothing more: the public verify page displays exactly this.
    title = models.CharField(_("title"), max_length=300, editable=False)
    holder_name = models.CharField(_("holder"), max_length=300, blank=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True, editable=False)
    valid_to = models.DateField(_("valid to"), null=True, blank=True, editable=False)
    printed = models.JSONField(_("other printed facts"), default=dict, blank=True, editable=False)
    issued_on = models.DateField(_("issued on"), editable=False)
    issuer = models.CharField(_("issued by"), max_length=300, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.VALID, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    status_reason = models.TextField(_("reason of the status"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-created_at", "number", "language"]
        constraints = [
            # Never rendered twice from the same version (issue 4, "Documents").
            models.UniqueConstraint(
                fields=["case_type", "case_id", "kind", "case_version", "language"], name="issued_document_once"
            ),
            models.UniqueConstraint(fields=["number", "language"], name="issued_document_number_language"),
        ]
        indexes = [models.Index(fields=["case_type", "case_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.language})"

    @property
    def effective_status(self) -> str:
        """The status as of today: a valid document past its ``valid_to`` is expired even before the job runs."""
        if self.status == DocumentStatus.VALID and self.valid_to and timezone.localdate() > self.valid_to:
            return DocumentStatus.EXPIRED
        return self.status

    @property
    def filename(self) -> str:
        return f"{self.number}-{self.language}.pdf"
