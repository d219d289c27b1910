from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritorialUnit(models.Model):
    """A region, city or district (administrative-territorial unit, KATO code).

    ``path`` is the chain of codes from the top ("47/471010/") so that "this unit and
    everything under it" is one indexed prefix query.
    """

    class Level(models.TextChoices):
        REGION = "region", _("region / city of republican significance")
        DISTRICT = "district", _("district / city of regional significance")

    code = models.CharField(_("KATO code"), max_length=12, unique=True)
    name_kk = models.CharField(_("name (kk)"), max_length=200)
    name_ru = models.CharField(_("name (ru)"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name_ru} ({self.code})"

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        super().save(*args, **kwargs)

    def contains(self, other: "TerritorialUnit") -> bool:
        return other.path.startswith(self.path)


class ClerkProfile(models.Model):
    """Which territorial unit a staff user works for; they see that unit and the units under it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clerk_profile")
    unit = models.ForeignKey(TerritorialUnit, verbose_name=_("territorial unit"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("clerk profile")
        verbose_name_plural = _("clerk profiles")

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit.code}"
