"""Chinese numerals and list markers: 一、（一）1. 一是 and the year written 二〇二四."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Numerals and numbering

_CN_DIGITS = "〇一二三四五六七八九"  # 〇 is U+3007, the zero GB/T 15835 uses in 二〇二四
_CN_UNITS = ("万", "千", "百", "十", "")
_CN_NUMERAL_MAX = 99_999


def cn_numeral(n: int) -> str:
    """Return n (0..99999) in Chinese numerals: 十一 not 一十一, 一百〇一, 一万."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"cn_numeral expects an int, got {type(n).__name__}")
    if not 0 <= n <= _CN_NUMERAL_MAX:
        raise ValueError(f"cn_numeral supports 0..{_CN_NUMERAL_MAX}, got {n}")
    if n == 0:
        return _CN_DIGITS[0]
    digits = f"{n:05d}"
    parts: list[str] = []
    pending_zero = False
    for digit, unit in zip(digits, _CN_UNITS):
        d = int(digit)
        if d == 0:
            # A run of zeros between non-zero digits is read as a single 〇 (1001 → 一千〇一);
            # zeros before the first or after the last non-zero digit are silent.
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(_CN_DIGITS[0])
            pending_zero = False
        parts.append(_CN_DIGITS[d] + unit)
    text = "".join(parts)
    # 10..19 are read 十, 十一 … 十九; inside larger numbers the 一 stays (一百一十).
    if 10 <= n <= 19:
        text = text[1:]
    return text


def cn_year(year: int) -> str:
    """Return a year digit by digit in Chinese numerals: 2024 → 二〇二四."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"cn_year expects an int, got {type(year).__name__}")
    if year < 0:
        raise ValueError(f"cn_year expects a non-negative year, got {year}")
    return "".join(_CN_DIGITS[int(d)] for d in str(year))


def run_in_ordinal(n: int) -> str:
    """Return the run-in ordinal used inside a paragraph: 1 → 一是, 11 → 十一是."""
    if n < 1:
        raise ValueError(f"run-in ordinals start at 1, got {n}")
    return cn_numeral(n) + "是"


def list_marker(level: int, n: int) -> str:
    """Return the heading number for level 1..4: 一、 / （一） / 1. / （1）."""
    if n < 1:
        raise ValueError(f"list numbers start at 1, got {n}")
    if level == 1:
        return cn_numeral(n) + "、"
    if level == 2:
        # Nothing follows （一） — GB/T 9704 puts no 顿号 after a bracketed number.
        return f"（{cn_numeral(n)}）"
    if level == 3:
        return f"{n}."  # half-width full stop, as GB/T 9704 prescribes for the third level
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"list_marker supports levels 1..4, got {level}")
