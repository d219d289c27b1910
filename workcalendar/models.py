"""The clerk-maintained layer of the calendar: government decrees that override the library."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .rules import FIRST_DAY, LAST_DAY


class CalendarOverride(models.Model):
    """One day whose status a government decree (or another act) sets, whatever python-holidays says.

    An override always wins over the library. Saving or deleting one bumps ``CalendarVersion``,
    rebuilds the precomputed calendar and sends ``workcalendar.signals.calendar_changed``.
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("working day"), help_text=_("Ticked: the day is a working day. Unticked: the day is a day off.")
    )
    reason_kk = models.CharField(_("reason (Kazakh)"), max_length=200, blank=True)
    reason_ru = models.CharField(_("reason (Russian)"), max_length=200, blank=True)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=60, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar override (decree)")
        verbose_name_plural = _("calendar overrides (decrees)")
        ordering = ["-date"]
        permissions = [("change_calendar", _("Can change the working-day calendar (record decrees)"))]

    def __str__(self) -> str:
        status = _("working day") if self.is_working else _("day off")
        return f"{self.date:%d.%m.%Y} — {status}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The date as loaded, so a change of date tells the signal both the old and the new day.
        instance._loaded_date = instance.__dict__.get("date")
        return instance

    def clean(self) -> None:
        super().clean()
        if self.date and not FIRST_DAY <= self.date <= LAST_DAY:
            raise ValidationError({"date": _("The calendar covers 2000-01-01 to 2100-12-31 only.")})
        if not (self.reason_kk or self.reason_ru or self.reason_en):
            raise ValidationError(_("Give the reason in at least one language."))

    def reason(self, lang: str | None = None) -> str:
        """The reason in ``lang`` (the active language by default), else in any language given."""
        lang = (lang or get_language() or "ru")[:2]
        order = [lang] + [code for code in ("ru", "kk", "en") if code != lang]
        for code in order:
            text = getattr(self, f"reason_{code}", "")
            if text:
                return text
        return ""


class CalendarVersion(models.Model):
    """A single row whose number grows with every override change.

    Each process keeps its precomputed calendar together with the number it was built from and
    compares it with this row at most every ``WORKCALENDAR_RECHECK_SECONDS`` (one indexed read).
    """

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar version")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.number)
