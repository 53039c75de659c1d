"""The notice's title, its balanced line breaks, and the short label that names a build."""

from __future__ import annotations

import re
from typing import Iterable

from pipeline.ledger.model import Ledger
from pipeline.notice.outline import clean

TITLE_BREAK_MAX = 300  # longer titles are broken at fixed width (the balanced layout search is quadratic)
# A 2号 (22 pt) title line holds 20 characters in the 156 mm text block.
TITLE_LINE_CHARS = 20
# Words a title line break must never split, besides the ledger's own names.
_TITLE_WORDS = (
    "关于",
    "反馈意见",
    "集中",
    "整改",
    "进展情况",
    "落实",
    "情况",
    "巡察",
    "巡视",
    "工作",
    "通报",
    "问题",
    "清单",
    "意见",
    "专项",
)


def compose_title(ledger: Ledger) -> str:
    """The notice title: the ledger's override, or the usual composed form."""
    info = ledger.inspection
    if info.title:
        return clean(info.title)
    return clean(f"{info.issuer}关于{info.group}反馈意见集中整改进展情况的通报")


def break_title(title: str, protected: Iterable[str] = (), width: int = TITLE_LINE_CHARS) -> str:
    """Insert "\\n" where a long title breaks: whole words only, as few lines as possible, lines as
    even as possible, an upper line not longer than the one below where that can be had (a trapezoid)."""
    title = title.replace("\n", "")
    n = len(title)
    if n <= width:
        return title
    if n > TITLE_BREAK_MAX:  # the balanced search below is quadratic; the checks refuse such titles anyway
        return "\n".join(title[i : i + width] for i in range(0, n, width))
    blocked: set[int] = set()  # break positions inside a word
    for word in {w for w in (*protected, *_TITLE_WORDS) if w}:
        for m in re.finditer(re.escape(word), title):
            blocked.update(range(m.start() + 1, m.end()))
    for allowed in ([i for i in range(1, n) if i not in blocked], list(range(1, n))):
        cuts = _best_cuts(n, allowed, width)
        if cuts is not None:
            bounds = (0, *cuts, n)
            return "\n".join(title[a:b] for a, b in zip(bounds, bounds[1:]))
    return title  # unreachable: fixed-width cuts always exist


def _best_cuts(n: int, allowed: list[int], width: int) -> tuple[int, ...] | None:
    """Cut positions for the fewest lines of at most `width` that `allowed` permits, or None."""
    from functools import lru_cache

    positions = sorted(set(allowed))
    for lines in range(-(-n // width), min(n, -(-n // width) + 3) + 1):
        ideal = n / lines

        @lru_cache(maxsize=None)
        def best(start: int, left: int, prev: int) -> tuple[float, tuple[int, ...]] | None:
            # Cost of laying out title[start:] in `left` lines after a line of length `prev`.
            if left == 1:
                rest = n - start
                if rest > width:
                    return None
                return ((rest - ideal) ** 2 + (0.5 if prev > rest else 0.0), ())
            found: tuple[float, tuple[int, ...]] | None = None
            for cut in positions:
                if cut <= start:
                    continue
                if cut > start + width:
                    break
                length = cut - start
                tail = best(cut, left - 1, length)
                if tail is None:
                    continue
                cost = (length - ideal) ** 2 + (0.5 if prev > length else 0.0) + tail[0]
                if found is None or cost < found[0]:
                    found = (cost, (cut, *tail[1]))
            return found

        result = best(0, lines, 0)
        if result is not None:
            return result[1]
    return None


def build_label(ledger: Ledger) -> str:
    """The distinguishing part of the build folder's name: 发文字号, else a short title."""
    info = ledger.inspection
    return info.doc_number or f"{info.group}反馈意见整改进展"
