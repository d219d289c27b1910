"""IIN / BIN: the 12-digit identifiers of people and organisations (API.md, "IIN/BIN").

The 12th digit is a check digit: the weighted sum of the first 11 digits with weights 1..11,
modulo 11. If that gives 10, the sum is taken again with weights 3..11,1,2; a result of 10
again means no valid number exists with those 11 digits.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when no check digit exists (both rounds give 10)."""
    digits = [int(c) for c in first_eleven]
    value = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if value == 10:
        value = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
    return None if value == 10 else value


def identifier_error(value: str) -> tuple[str, str] | None:
    """(code, reason) explaining why ``value`` is not a valid IIN/BIN, or None when it is valid."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        return "invalid_format", str(_("must be exactly 12 digits"))
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        return "invalid_checksum", str(_("the check digit (12th digit) does not match"))
    return None


def is_valid_identifier(value: str) -> bool:
    return identifier_error(value) is None


def validate_iin(value: str) -> None:
    """Model/form validator; the message names the field so a clerk knows what to fix."""
    error = identifier_error(value)
    if error:
        raise ValidationError(_("IIN: %(reason)s") % {"reason": error[1]}, code=error[0])


def validate_bin(value: str) -> None:
    error = identifier_error(value)
    if error:
        raise ValidationError(_("BIN: %(reason)s") % {"reason": error[1]}, code=error[0])
