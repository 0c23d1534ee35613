"""统一社会信用代码 (Unified Social Credit Code) normalisation and validation.

Source: GB 32100-2015《法人和其他组织统一社会信用代码编码规则》(2015-10-01).
Structure (18 characters, from the charset 0-9 and A-Z without I, O, S, V, Z):

==========  =====================================================
position    meaning
==========  =====================================================
1           登记管理部门代码 (registration authority)
2           机构类别代码 (organisation type)
3-8         登记管理机关行政区划码 (GB/T 2260 region code)
9-17        主体标识码 (the GB 11714 organisation code)
18          校验码 (check character)
==========  =====================================================

Check character: with character values v_i (0-9 → 0-9, A → 10 … Y → 30 over the charset) and
weights w_i = 3^(i-1) mod 31 for i = 1..17,
``C18 = 31 − (Σ v_i·w_i mod 31)``, where 31 maps to 0.
"""

from __future__ import annotations

import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...


class UsccError(ValueError):
    """The text is not a valid USCC; the message says why, in Chinese."""


def normalize_uscc(raw: object) -> str:
    """Upper-case, full-width → half-width (NFKC), and drop every kind of whitespace."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split()).upper()


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_uscc(raw: object) -> str:
    """Return the normalised code or raise :class:`UsccError` explaining the fault."""
    code = normalize_uscc(raw)
    if not code:
        raise UsccError("统一社会信用代码为空")
    if len(code) != 18:
        raise UsccError(f"应为18位，实为{len(code)}位")
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        raise UsccError(f"含有不允许的字符 {''.join(bad)}（不得使用 I、O、S、V、Z）")
    if not code[2:8].isdigit():
        raise UsccError(f"第3-8位行政区划码 {code[2:8]} 应为6位数字")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise UsccError(f"校验位应为 {expected}，实为 {code[17]}")
    return code


def uscc_region_code(code: str) -> str:
    """The GB/T 2260 region code held in characters 3-8."""
    return code[2:8]
