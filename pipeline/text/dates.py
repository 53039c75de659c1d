"""Dates: exact and loose (2024年6月, 2022年8月下旬) parsing and the official written form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

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


# Deadlines offices write as words or as the end of a period (2024年12月底前, 年底前, 立行立改): kept as
# written for the documents; the day, when the words give one with its year, for the checks and 督办.
DEADLINE_WORDS = ("立行立改", "持续推进", "长期坚持", "长期", "持续整改", "常态化推进", "年底前", "年内")
_DEADLINE_BEFORE_RE = re.compile(r"(?P<when>.+?)\s*(?:前|以前|之前)?(?:完成)?")


@dataclass(frozen=True)
class WrittenDeadline:
    """A deadline kept as written; `day` is the last day it allows, or None when it names none."""

    text: str
    day: date | None


def parse_written_deadline(s: str) -> WrittenDeadline | None:
    """ "2024年12月底前" → (text, 2024-12-31); "立行立改" → (text, None); None when it is neither a
    listed word nor a date or month with an optional 前."""
    if not isinstance(s, str):
        return None
    text = unicodedata.normalize("NFKC", s).strip()
    if text in DEADLINE_WORDS:
        return WrittenDeadline(s.strip(), None)
    m = _DEADLINE_BEFORE_RE.fullmatch(text)
    loose = parse_loose_date(m["when"]) if m else None
    if loose is None:
        return None
    return WrittenDeadline(s.strip(), loose.last)


def format_loose_range(start: LooseDate, end: LooseDate) -> str:
    """A period as printed: 2024年3月25日至6月7日, 2022年8月下旬至9月底 (the year once when it repeats)."""
    if start == end:
        return start.text()
    return f"{start.text()}至{end.text(with_year=start.year != end.year)}"
