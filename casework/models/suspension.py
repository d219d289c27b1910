"""Stop-the-clock: a period in which a case's deadlines do not run (issue 7, DOMAIN.md §2).

A clerk stops the clock while the office waits for the applicant (missing information requested);
when the clock restarts, the step deadline and the final due date move by the working days the
case spent suspended (``casework.suspension``). One row is one such period; its history lives in the
case's ``TransitionLog`` ("clock_stopped" / "clock_resumed").
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Suspension(models.Model):
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, editable=False)
    case_id = models.PositiveBigIntegerField(editable=False)
    case = GenericForeignKey("case_type", "case_id")
    case_number = models.CharField(_("case number"), max_length=40, db_index=True, editable=False)

    suspended_on = models.DateField(_("clock stopped on"))
    suspended_at = models.DateTimeField(_("clock stopped at"))
    reason = models.TextField(_("reason"))
    requested_information = models.TextField(_("information requested from the applicant"), blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stopped by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suspended_by_label = models.CharField(_("stopped by"), max_length=150)

    resumed_on = models.DateField(_("clock resumed on"), null=True, blank=True)
    resumed_at = models.DateTimeField(_("clock resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resumed_by_label = models.CharField(_("resumed by"), max_length=150, blank=True)
    resume_note = models.TextField(_("note on resuming"), blank=True)
    working_days = models.PositiveIntegerField(_("working days suspended"), null=True, blank=True)

    step_deadline_before = models.DateField(_("step deadline before"), null=True, blank=True)
    step_deadline_after = models.DateField(_("step deadline after"), null=True, blank=True)
    due_date_before = models.DateField(_("due date before"), null=True, blank=True)
    due_date_after = models.DateField(_("due date after"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["case_type_id", "case_id", "suspended_at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "suspended_at"])]
        constraints = [
            # At most one open (not resumed) period per case, whatever races the services lose.
            models.UniqueConstraint(
                fields=["case_type", "case_id"],
                condition=models.Q(resumed_at__isnull=True),
                name="casework_one_open_suspension_per_case",
            ),
        ]
        permissions = [("stop_clock", _("Can stop and resume a case's clock"))]

    def __str__(self) -> str:
        end = self.resumed_on.strftime("%d.%m.%Y") if self.resumed_on else "…"
        return f"{self.case_number}: {self.suspended_on:%d.%m.%Y} – {end}"

    @property
    def is_open(self) -> bool:
        return self.resumed_at is None
