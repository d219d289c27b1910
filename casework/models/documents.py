import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _


class PrivateStorage(LazyObject):
    """Files outside the web root (settings.PRIVATE_MEDIA_ROOT); served only through permission-checked views."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def get_private_storage():
    """The storage as a callable, so migrations reference it instead of freezing a path."""
    return private_storage


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the applicant's file name on disk: it may carry personal data or path tricks.
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A document an applicant or clerk attached to a case (scan of a passport, diploma, contract...)."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    doc_type = models.CharField(_("document type"), max_length=60)
    original_filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(storage=get_private_storage, upload_to=attachment_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size, bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.CharField(_("uploaded by"), max_length=150, blank=True)
    # Opened in full in the background (casework.documents.check_pending): at filing only the first bytes say the
    # type; a file that cannot be opened is flagged for the clerk who checks completeness.
    content_checked_at = models.DateTimeField(_("content checked at"), null=True, blank=True, editable=False)
    content_problem = models.CharField(_("content problem"), max_length=300, blank=True, editable=False)
    content_check_attempts = models.PositiveSmallIntegerField(default=0, editable=False)  # checks begun

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        indexes = [
            models.Index(fields=["case_type", "case_id"]),
            models.Index(
                fields=["uploaded_at"], name="attachment_unchecked_idx", condition=models.Q(content_checked_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.original_filename}"

    def get_doc_type_display(self) -> str:
        from casework.documents import DOCUMENT_TYPES

        return str(DOCUMENT_TYPES.get(self.doc_type, self.doc_type))
