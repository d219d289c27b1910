from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """History is evidence: rows are created and read, never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("transition history cannot be updated")

    def delete(self):
        raise AppendOnlyError("transition history cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("transition history cannot be updated")


class TransitionLog(models.Model):
    """One row per status change of any case of any service (append-only).

    On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE in SQL too.
    """

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    case_number = models.CharField(_("case number"), max_length=40, db_index=True)
    transition = models.CharField(_("transition"), max_length=60)
    from_state = models.CharField(_("from"), max_length=40)
    to_state = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, help_text=_("clerk, API client or scheduled job"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    deadline = models.DateField(_("step deadline at that moment"), null=True, blank=True)
    deadline_breached = models.BooleanField(_("after the deadline"), default=False)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["case_type_id", "case_id", "at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "at"])]

    def __str__(self) -> str:
        return f"{self.case_number}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("transition history cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("transition history cannot be deleted")
