"""Dates: exact and loose (2024年6月, 2022年8月下旬) parsing and the official written form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

# ---------------------------------------------------------------------------
# Dates


def _as_date(d: date) -> date:
    # datetime is a subclass of date but compares unequal to (and cannot be ordered against) a date.
    return d.date() if isinstance(d, datetime) else d


def format_date(d: date) -> str:
    """Return a date as 2024年8月27日 (full year, no zero padding)."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_date_range(start: date, end: date) -> str:
    """Return a date range as 2024年3月25日至6月7日, repeating the year only when it changes."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValueError(f"date range ends before it starts: {start} > {end}")
    return format_loose_range(LooseDate.of(start), LooseDate.of(end))


# Excel dates that went through str() or a text export carry a time of day; the date part is what counts.
_TIME_SUFFIX = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DATE_PATTERNS = tuple(
    re.compile(p + _TIME_SUFFIX)
    for p in (
        # Same separator both times, so "2024-9/30" is rejected rather than guessed at.
        r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})",
        r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*日",
        r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})",
    )
)


def parse_date_text(s: str) -> date | None:
    """Parse a date typed as text (2024-09-30, 2024.9.30, 2024年9月30日, 20240930, …); None if invalid."""
    if not isinstance(s, str):
        return None
    # NFKC folds full-width digits and separators (２０２４．９．３０) and U+3000 to their ASCII forms.
    text = unicodedata.normalize("NFKC", s).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        try:
            return date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None  # 2024-02-30 and the like: well-formed but not a real day
    return None


# Dates as offices print them when the day is not known: 2024年6月, 2022年8月下旬, 2024年9月底.
_MONTH_PARTS = {
    "上旬": (1, 10),
    "中旬": (11, 20),
    "下旬": (21, None),
    "初": (1, 10),
    "底": (21, None),
    "末": (21, None),
    "份": (1, None),
    "": (1, None),
}
_LOOSE_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4})\s*(?:年\s*|[-/.])(?P<m>[0-9]{1,2})\s*月?\s*(?P<part>上旬|中旬|下旬|初|底|末|份)?"
)


@dataclass(frozen=True)
class LooseDate:
    """A date as written: a whole day (2024年8月27日) or a part of a month (2024年6月, 2022年8月下旬).

    `first` and `last` bound the days it can mean; checks compare with them, documents print `text()`.
    """

    year: int
    month: int
    day: int | None = None
    part: str = ""  # 上旬 中旬 下旬 初 底 末 份, or "" (the whole month) when day is None

    @classmethod
    def of(cls, d: date) -> "LooseDate":
        """An exact day."""
        d = _as_date(d)
        return cls(d.year, d.month, d.day)

    @property
    def exact(self) -> bool:
        """True when the day is known."""
        return self.day is not None

    @property
    def first(self) -> date:
        """The earliest day it can mean."""
        if self.day is not None:
            return date(self.year, self.month, self.day)
        return date(self.year, self.month, _MONTH_PARTS[self.part][0])

    @property
    def last(self) -> date:
        """The latest day it can mean."""
        if self.day is not None:
            return date(self.year, self.month, self.day)
        end = _MONTH_PARTS[self.part][1]
        if end is None:
            nxt = date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(self.year, self.month, end)

    def text(self, with_year: bool = True) -> str:
        """As printed: 2024年8月27日 / 8月27日, 2022年8月下旬, 2024年6月."""
        head = f"{self.year}年" if with_year else ""
        if self.day is not None:
            return f"{head}{self.month}月{self.day}日"
        return f"{head}{self.month}月{self.part}"


def parse_loose_date(s: str) -> LooseDate | None:
    """A whole date (as parse_date_text) or a month with an optional part (2024年6月下旬, 2024年9月底,
    2024-06); None when it is neither. A year is required."""
    exact = parse_date_text(s)
    if exact is not None:
        return LooseDate.of(exact)
    if not isinstance(s, str):
        return None
    text = unicodedata.normalize("NFKC", s).strip()
    m = _LOOSE_DATE_RE.fullmatch(text)
    if m is None or not 1 <= int(m["m"]) <= 12:
        return None
    return LooseDate(int(m["y"]), int(m["m"]), None, m["part"] or "")


# Deadlines offices write as words or as the end of a period (2024年12月底前, 第四季度, 立行立改): kept as written
# for the documents; the period's last day for the checks and the 督办清单.
AT_ONCE_WORDS = ("立行立改", "即知即改", "立知立改", "立即整改")  # due at once: on the feedback date
LONG_TERM_DEADLINE_WORDS = ("持续推进", "长期坚持", "长期", "持续整改", "常态化推进", "长期推进", "长期整改")
DEADLINE_WORDS = AT_ONCE_WORDS + LONG_TERM_DEADLINE_WORDS + ("年底前", "年内")
_DEADLINE_BEFORE_RE = re.compile(r"(?P<when>.+?)(?:前|以前|之前)?(?:完成|办结)?")
_CN_MONTHS = {n: i for i, n in enumerate("一二三四五六七八九十", start=1)} | {"十一": 11, "十二": 12}
_MONTH = r"(?P<m>[0-9]{1,2}|十[一二]?|[一二三四五六七八九])"
_YEAR = r"(?:(?P<y>[0-9]{4})\s*年|今年|本年|当年)?"
# A period without a day: a month (with a part), a quarter, a half year, the year's end.
_PERIOD_RES = (
    ("month", re.compile(_YEAR + _MONTH + r"\s*月\s*(?:(?P<d>[0-9]{1,2})\s*日|(?P<part>上旬|中旬|下旬|初|底|末|份))?")),
    ("quarter", re.compile(_YEAR + r"第?(?P<q>[1-4一二三四])\s*季度\s*(?:末|底)?")),
    ("half", re.compile(_YEAR + r"(?P<h>上半年|下半年|年中)")),
    ("year", re.compile(_YEAR + r"年?\s*(?:底|末|内)")),
)
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}

# What a written deadline is: a day (given or the last day of a period), due at once, or long-term.
DEADLINE_DAY, DEADLINE_AT_ONCE, DEADLINE_LONG_TERM = "day", "at-once", "long-term"


@dataclass(frozen=True)
class WrittenDeadline:
    """A deadline kept as written. `day` is the last day it allows: None when it is long-term, or when it
    needs the feedback date (立行立改, a period without its year) and none was given. `year_assumed`: the
    year was not written and was taken from the feedback date."""

    text: str
    day: date | None
    kind: str = DEADLINE_DAY
    year_assumed: bool = False

    @property
    def needs_feedback(self) -> bool:
        """True when the day can only be known from the feedback date."""
        return self.day is None and self.kind != DEADLINE_LONG_TERM


def _month_end(year: int, month: int) -> date:
    return LooseDate(year, month).last


def _period_end(text: str) -> tuple[int | None, Callable[[int], date | None]] | None:
    """(the year as written or None, a function from a year to the period's last day), or None."""
    for kind, pattern in _PERIOD_RES:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        year = int(m["y"]) if m["y"] else None
        if kind == "month":
            month = int(m["m"]) if m["m"].isdigit() else _CN_MONTHS[m["m"]]
            if not 1 <= month <= 12:
                return None
            if m["d"]:
                day = int(m["d"])

                def exact(y: int, month: int = month, day: int = day) -> date | None:
                    try:
                        return date(y, month, day)
                    except ValueError:
                        return None

                return year, exact
            part = m["part"] or ""
            return year, lambda y, month=month, part=part: LooseDate(y, month, None, part).last
        if kind == "quarter":
            q = _QUARTERS[m["q"]]
            return year, lambda y, q=q: _month_end(y, 3 * q)
        if kind == "half":
            month = 12 if m["h"] == "下半年" else 6
            return year, lambda y, month=month: _month_end(y, month)
        return year, lambda y: date(y, 12, 31)
    return None


def parse_written_deadline(s: str, feedback: LooseDate | None = None) -> WrittenDeadline | None:
    """A deadline as offices write it, with the last day it allows; None when it is not one.

    A date or a month (2024年12月31日前, 2025年6月, 2025年6月下旬, 2024年12月底前), a quarter (2025年第一季度,
    四季度末), a half year (2025年上半年), the year's end (2025年底前, 年底前, 年内); the same without the year
    (12月底前, 第四季度): the first such period that ends on or after the feedback date; 立行立改: the feedback
    date; 持续推进, 长期坚持: long-term (no day). Without `feedback`, what needs it has day None."""
    if not isinstance(s, str):
        return None
    written = s.strip()
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))
    if text in LONG_TERM_DEADLINE_WORDS:
        return WrittenDeadline(written, None, DEADLINE_LONG_TERM)
    if text in AT_ONCE_WORDS:
        return WrittenDeadline(written, feedback.last if feedback else None, DEADLINE_AT_ONCE)
    m = _DEADLINE_BEFORE_RE.fullmatch(text)
    if m is None:
        return None
    loose = parse_loose_date(m["when"])
    if loose is not None:
        return WrittenDeadline(written, loose.last)
    period = _period_end(m["when"])
    if period is None:
        return None
    year, end = period
    if year is not None:
        day = end(year)
        return WrittenDeadline(written, day) if day is not None else None
    if end(2000) is None:  # a day no year has (2月30日)
        return None
    if feedback is None:
        return WrittenDeadline(written, None, year_assumed=True)
    # The first such period that ends on or after the feedback date; a day that a year lacks (2月29日) is
    # looked for in the years after.
    year = feedback.first.year
    day = end(year)
    while day is None or day < feedback.first:
        year += 1
        day = end(year)
    return WrittenDeadline(written, day, year_assumed=True)


def format_loose_range(start: LooseDate, end: LooseDate) -> str:
    """A period as printed: 2024年3月25日至6月7日, 2022年8月下旬至9月底 (the year once when it repeats)."""
    if start == end:
        return start.text()
    return f"{start.text()}至{end.text(with_year=start.year != end.year)}"
