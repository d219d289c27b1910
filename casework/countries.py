"""Citizenship codes: ISO 3166-1 alpha-3 (pycountry, a maintained copy of the ISO tables)."""

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Stateless persons (003 and 004 apply to them too) carry the ICAO/ISO code XXA.
EXTRA_CODES = {"XXA": "Stateless person"}


def is_alpha3(value: str) -> bool:
    return value in EXTRA_CODES or pycountry.countries.get(alpha_3=value) is not None


def validate_alpha3(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 3 and value.isupper() and is_alpha3(value)):
        raise ValidationError(
            _("Citizenship: %(value)s is not an ISO 3166-1 alpha-3 country code."),
            code="invalid_country",
            params={"value": value},
        )
