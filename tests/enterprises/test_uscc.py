from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainboard.enterprises.uscc import (
    CHARSET,
    UsccError,
    normalize_uscc,
    uscc_check_char,
    validate_uscc,
)

PUBLIC_EXAMPLE = "91350100M000100Y43"  # the example code quoted in GB 32100 explainers


def test_public_example_is_valid() -> None:
    assert validate_uscc(PUBLIC_EXAMPLE) == PUBLIC_EXAMPLE


def test_hand_worked_check_character() -> None:
    # values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4, weights 3^(i-1) mod 31 =
    # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    # 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640; 1640 mod 31 = 28; 31 - 28 = 3
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_normalises_full_width_spaces_and_case() -> None:
    assert normalize_uscc(" ９１３５０１００ｍ０００１００ｙ４３ ") == PUBLIC_EXAMPLE
    assert validate_uscc("91350100m000100y43") == PUBLIC_EXAMPLE


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y44", "校验位应为 3，实为 4"),
        ("91350100M000100Y4", "应为18位，实为17位"),
        ("91350100M0001O0Y43", "不允许的字符 O"),
        ("", "为空"),
    ],
)
def test_rejects_with_reason(code: str, reason: str) -> None:
    with pytest.raises(UsccError, match=reason):
        validate_uscc(code)


body = st.text(alphabet=CHARSET, min_size=17, max_size=17)


@given(body)
def test_computed_check_char_validates(first17: str) -> None:
    first17 = first17[:2] + "130528" + first17[8:]
    assert validate_uscc(first17 + uscc_check_char(first17))


@given(body, st.integers(0, 16), st.sampled_from(CHARSET))
def test_any_single_substitution_is_detected(first17: str, pos: int, new: str) -> None:
    # weights are non-zero mod the prime 31 and value differences are below 31
    first17 = first17[:2] + "130528" + first17[8:]
    code = first17 + uscc_check_char(first17)
    if new == code[pos] or (2 <= pos < 8 and not new.isdigit()):
        return
    altered = code[:pos] + new + code[pos + 1 :]
    with pytest.raises(UsccError):
        validate_uscc(altered)
