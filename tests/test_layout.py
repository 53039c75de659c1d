"""Measuring cell text for the checklists' pagination.

line_count lays out a run of Chinese characters a line at a time; the reference below places one token
at a time (the rule as written: break between any two characters, never inside a run of ASCII letters
and digits, never before a closing mark or after an opening one, a quarter em between Chinese and
ASCII). The two must agree on every text and width.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.documents.layout import CELL_SIZE, CHECKLISTS, NO_LINE_END, NO_LINE_START, line_count

_TOKEN = re.compile(r"[A-Za-z0-9]+|.", re.DOTALL)


def _width(token: str) -> int:
    """Twentieths of an em."""
    return sum((14 if c.isupper() else 10) if c.isascii() else 20 for c in token)


def reference_line_count(text: str, width: float, size: float = CELL_SIZE, autospace: bool = True) -> int:
    total = 0
    for paragraph in text.split("\n"):
        lines, used, prev, prev_ascii = 1, 0, "", False
        for token in _TOKEN.findall(paragraph):
            w = _width(token)
            is_ascii = token[0].isascii()
            gap = 5 if autospace and prev and prev_ascii != is_ascii else 0
            if used > 0 and (used + gap + w) * size > width * 20:
                lines += 1
                used = w
                if token[0] in NO_LINE_START or prev[-1] in NO_LINE_END:
                    used += _width(prev)
            else:
                used += gap + w
            prev, prev_ascii = token, is_ascii
        total += lines
    return max(total, 1)


_ALPHABET = "整改措施落实问题巡察反馈意见部门领导办公室" + "，。、；：）》”（《“" + "2024ABCabc -%/" + "\n"


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=120),
       width=st.sampled_from([c.text_width for k in CHECKLISTS for c in k.columns])
       | st.floats(min_value=5, max_value=400, allow_nan=False),
       autospace=st.booleans())
def test_line_count_agrees_with_the_rule_token_by_token(text, width, autospace):
    assert line_count(text, width, CELL_SIZE, autospace) == reference_line_count(text, width, CELL_SIZE, autospace)


def test_line_count_examples():
    w = 13 * CELL_SIZE  # thirteen Chinese characters a line
    assert line_count("整" * 13, w) == 1
    assert line_count("整" * 14, w) == 2
    assert line_count("整" * 26, w) == 2
    # a comma may not start a line: the character before it goes down with it
    assert line_count("整" * 13 + "，" + "整" * 10, w) == 2
    assert line_count("整" * 12 + "，", w) == 1
    # an opening quote may not end a line
    assert line_count("整" * 12 + "“整”", w) == 2
    # digits stay together and get a quarter em on each side
    assert line_count("整" * 10 + "20241231", w) == 2
    assert line_count("整改\n措施", w) == 2
    assert line_count("", w) == 1
    # a column narrower than one character still puts one on each line
    assert line_count("整改措施", 5) == 4
