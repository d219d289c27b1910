from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.countries import validate_alpha3
from casework.identifiers import validate_bin, validate_iin

from .units import TerritorialUnit

phone_validator = RegexValidator(r"^\+?[0-9 ()-]{7,20}$", _("Phone: use digits, spaces and an optional leading +."))


class RegisteredInUnit(models.Model):
    """``registered_in``: the unit of the clerk who registered the party in the admin (casework.admin.PartyAdmin.
    save_model); that unit's clerks see it before it is a party of anything (casework.access.scope_parties). Null
    when a service created it for a filing (a party of the case at once) or an administrator without a unit did.
    Not named ``unit``: casework.access._unit_lookup would then take a party's relations as unit-held objects."""

    registered_in = models.ForeignKey(
        TerritorialUnit,
        verbose_name=_("registered in (territorial unit)"),
        help_text=_("The territorial unit of the clerk who registered this record."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class Person(RegisteredInUnit):
    """An applicant, holder or complainant: a foreigner, a citizen or a stateless person."""

    surname = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    citizenship = models.CharField(
        _("citizenship"), max_length=3, validators=[validate_alpha3], help_text=_("ISO 3166-1 alpha-3, e.g. UZB")
    )
    passport_number = models.CharField(_("passport number"), max_length=30)
    passport_issued_on = models.DateField(_("passport issued on"), null=True, blank=True)
    passport_issuer = models.CharField(_("passport issued by"), max_length=200, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin], db_index=True)
    address = models.CharField(_("address in Kazakhstan"), max_length=300, blank=True)
    residence_country_address = models.CharField(_("address in the country of residence"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["surname", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


class Organisation(RegisteredInUnit):
    """An employer: a legal entity (BIN), an individual entrepreneur or an individual (IIN)."""

    class Kind(models.TextChoices):
        LEGAL_ENTITY = "legal_entity", _("legal entity")
        ENTREPRENEUR = "entrepreneur", _("individual entrepreneur")
        INDIVIDUAL = "individual", _("individual (household employer)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LEGAL_ENTITY)
    name = models.CharField(_("name"), max_length=300)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[validate_bin], db_index=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin], db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.CheckConstraint(condition=~models.Q(bin="", iin=""), name="organisation_has_bin_or_iin"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def identifier(self) -> str:
        return self.bin or self.iin
