import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from casework.identifiers import check_digit, identifier_error, validate_bin, validate_iin


def test_valid_iin_passes_first_weight_round():
    assert identifier_error("900402300459") is None
    validate_iin("900402300459")


@pytest.mark.parametrize(
    ("language", "iin", "bin_"), [("en", "IIN", "BIN"), ("ru", "ИИН", "БИН"), ("kk", "ЖСН", "БСН")]
)
def test_wrong_check_digit_is_refused_with_the_field_named(language, iin, bin_):
    assert identifier_error("900402300458")[0] == "invalid_checksum"
    with translation.override(language):
        with pytest.raises(ValidationError) as err:
            validate_iin("900402300458")
        assert iin in str(err.value) and err.value.code == "invalid_checksum"
        with pytest.raises(ValidationError) as err:
            validate_bin("900402300458")
        assert bin_ in str(err.value)


def test_second_weight_round_is_used_when_the_first_gives_10():
    # 5*1+4*2+3*3+3*4+8*5+1*6+7*7+8*8+0*9+7*10+5*11 = 318, 318 % 11 = 10 -> weights 3..11,1,2 give 2
    assert check_digit("54338178075") == 2
    assert identifier_error("543381780752") is None
    assert identifier_error("543381780750")[0] == "invalid_checksum"


def test_number_whose_both_rounds_give_10_is_invalid_whatever_the_last_digit():
    assert check_digit("00170167551") is None
    for last in "0123456789":
        assert identifier_error("00170167551" + last)[0] == "invalid_checksum"


@pytest.mark.parametrize("value", ["", "12345", "9004023004590", "90040230045a", "９００４０２３００４５９"])
def test_not_twelve_ascii_digits_is_a_format_error(value):
    assert identifier_error(value)[0] == "invalid_format"
