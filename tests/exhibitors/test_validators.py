import pytest
from django.core.exceptions import ValidationError

from exhibitors.validators import credit_code_check_character, validate_credit_code

# Real unified social credit codes of registered companies (published on their websites).
VALID = ["91350100M000100Y43", "91110108551385082Q", "91440300708461136T"]


@pytest.mark.parametrize("code", VALID)
def test_real_credit_codes_pass(code):
    validate_credit_code(code)
    validate_credit_code(code.lower())
    assert credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_refused(code):
    for wrong in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if wrong == code[17]:
            continue
        with pytest.raises(ValidationError, match="check character"):
            validate_credit_code(code[:17] + wrong)


def test_a_changed_digit_is_caught():
    with pytest.raises(ValidationError, match="check character"):
        validate_credit_code("91350100M000200Y43")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100Y433", "18 characters"),
        ("91350100M0001O0Y43", "cannot contain O"),
        ("91350100I000100Y43", "cannot contain I"),
    ],
)
def test_malformed_codes_are_refused(code, message):
    with pytest.raises(ValidationError, match=message):
        validate_credit_code(code)
