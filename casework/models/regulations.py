from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegulationVersion(models.Model):
    """One version of the terms and limits an act sets for one service (STYLE.md "Rules and deadlines":
    an amendment is a new row, not a code change).

    ``values`` holds every number of the service's ``Regulation`` dataclass (casework.regulations checks the
    keys and types); a case records the ``version`` in force on its registration date
    (``Case.regulation_version``) and is processed under it to the end. The versions written in code are
    loaded as ``seeded`` rows after every migrate and by ``setup_office``.
    """

    service = models.CharField(_("service"), max_length=60)
    version = models.CharField(_("version"), max_length=40)
    effective_from = models.DateField(_("in force from"))
    title = models.CharField(_("legal basis"), max_length=300, help_text=_("the act or the amending act"))
    values = models.JSONField(_("terms and limits"), default=dict)
    note = models.TextField(_("note"), blank=True)
    seeded = models.BooleanField(_("written in the code"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("regulation version")
        verbose_name_plural = _("regulation versions")
        ordering = ["service", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="regulation_version_unique"),
            models.UniqueConstraint(fields=["service", "effective_from"], name="regulation_version_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.version} ({self.effective_from:%d.%m.%Y})"
