"""Text helpers for Chinese official documents: numerals, numbering, dates, punctuation, safe names.

Conventions follow GB/T 15834-2011 (punctuation) and GB/T 15835-2011 (numbers); see FORMAT.md, "Text".
Everything here is a pure function of its arguments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "XML_ILLEGAL_RE",
    "cn_numeral",
    "cn_year",
    "find_control_chars",
    "find_halfwidth_punct",
    "fold_for_compare",
    "format_date",
    "format_date_range",
    "format_loose_range",
    "LooseDate",
    "parse_loose_date",
    "strip_typed_number",
    "list_marker",
    "normalize_newlines",
    "normalize_punct",
    "parse_date_text",
    "run_in_ordinal",
    "safe_filename",
    "split_paragraphs",
    "strip_control_chars",
]

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
_MONTH_PARTS = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, None), "初": (1, 10), "底": (21, None),
                "末": (21, None), "份": (1, None), "": (1, None)}
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


def format_loose_range(start: LooseDate, end: LooseDate) -> str:
    """A period as printed: 2024年3月25日至6月7日, 2022年8月下旬至9月底 (the year once when it repeats)."""
    if start == end:
        return start.text()
    return f"{start.text()}至{end.text(with_year=start.year != end.year)}"


# ---------------------------------------------------------------------------
# Numbering a clerk typed by habit

# Leading numbers that a generated label would repeat: （一） (一) 一、 一是 第一， 1. 1、 1． （1） (1) ① …
_TYPED_NUMBER_RE = re.compile(
    r"^\s*(?:"
    r"[（(]\s*[一二三四五六七八九十〇零百]+\s*[）)]\s*[、，,.．]?"
    r"|[一二三四五六七八九十百]+\s*[、，,．.]"
    r"|第[一二三四五六七八九十百]+(?:是|[，,、：:])"
    r"|[一二三四五六七八九十百]+是(?=[^\s，,、。；;：:])"
    r"|[（(]\s*[0-9]{1,3}\s*[）)]\s*[、，,.．]?"
    r"|[0-9]{1,3}\s*[.．、](?![0-9])"
    r"|[\u2460-\u2473\u2776-\u277f]"
    r")\s*"
)


def strip_typed_number(text: str) -> tuple[str, str]:
    """Split a leading number typed by hand from a heading: "（三）关于…" → ("关于…", "（三）").

    Returns (text without the number, the number removed — "" when there was none). A heading that is
    nothing but a number is left as it is.
    """
    m = _TYPED_NUMBER_RE.match(text or "")
    if m is None or not text[m.end():].strip():
        return text, ""
    return text[m.end():], m.group(0).strip()


# ---------------------------------------------------------------------------
# Punctuation

_FULLWIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_SIMPLE_PUNCT = frozenset(",;:?!")
_OPENERS = frozenset("(（")
_CLOSERS = frozenset(")）")
# Spaces that may sit between a mark and its Chinese neighbour; line breaks deliberately end the search.
_SPACES = frozenset(" \t\u00a0\u3000")
# Curly quotes, dashes and the ellipsis are Chinese punctuation in GB/T 15834 though outside the CJK blocks.
_CJK_EXTRA = frozenset("‘’“”—―…")

# Addresses keep their ASCII marks (http://x.y/a?b=c). The lookbehind replaces \b, which fails after 中.
_URL_RE = re.compile(r"(?<![A-Za-z0-9+.\-])(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[!-~]+")
_URL_TRAILING = frozenset(".,;:!?'\"()")


def is_chinese(ch: str) -> bool:
    """Return True for a CJK character or full-width punctuation (what makes a mark "beside Chinese")."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= o <= 0x4DBF  # extension A
        or 0x20000 <= o <= 0x323AF  # extensions B–H
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
        or 0x2E80 <= o <= 0x2FDF  # radicals
        or 0x3001 <= o <= 0x30FF  # CJK symbols and punctuation (、。〇《》〔〕…), kana; not U+3000
        or 0xFF01 <= o <= 0xFF65  # full-width forms: ，；：（）！？ and full-width letters/digits
        or 0xFFE0 <= o <= 0xFFEE
        or ch in _CJK_EXTRA
    )


def _protected_positions(text: str) -> set[int]:
    """Return the indices inside URLs, whose ASCII marks belong to the address."""
    protected: set[int] = set()
    for m in _URL_RE.finditer(text):
        url = m.group()
        # Trailing marks usually end the sentence, not the URL (as autolinkers do); a ")" stays
        # only when it closes a "(" inside the URL, and a trailing "(" opens text after the URL.
        while url and url[-1] in _URL_TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        protected.update(range(m.start(), m.start() + len(url)))
    return protected


def _neighbour_is_chinese(chars: list[str], i: int, step: int) -> bool:
    """Return True when the nearest non-space character before (step -1) or after (+1) i is Chinese."""
    j = i + step
    while 0 <= j < len(chars) and chars[j] in _SPACES:
        j += step
    return 0 <= j < len(chars) and is_chinese(chars[j])


def _beside_chinese(chars: list[str], i: int) -> bool:
    return _neighbour_is_chinese(chars, i, -1) or _neighbour_is_chinese(chars, i, 1)


def _structure(chars: list[str], protected: set[int]) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """Classify the unprotected ASCII marks as (single marks, pairs, half-converted bracket sides).

    Single marks are , ; : ? ! and unpaired ASCII brackets, judged by their neighbours alone. Pairs are
    ( ) pairs and "…" pairs, judged by their content and outer neighbours. Full-width brackets take part
    in the pairing, so converting a mark never changes the structure and it is computed only once.
    """
    singles: list[int] = []
    pairs: list[tuple[int, int]] = []
    half_converted: list[int] = []
    stack: list[int] = []
    quotes: list[int] = []
    for i, ch in enumerate(chars):
        if i in protected:
            continue
        if ch in _SIMPLE_PUNCT:
            singles.append(i)
        elif ch in _OPENERS:
            stack.append(i)
        elif ch in _CLOSERS:
            if not stack:
                if ch == ")":
                    singles.append(i)
                continue
            open_i = stack.pop()
            ascii_sides = [j for j in (open_i, i) if chars[j] in "()"]
            if len(ascii_sides) == 2:
                pairs.append((open_i, i))
            else:
                half_converted.extend(ascii_sides)  # （…) or (…）: someone meant full-width
        elif ch == '"':
            quotes.append(i)
    singles.extend(i for i in stack if chars[i] == "(")
    # ASCII double quotes pair up in order; a left-over odd one is left alone.
    pairs.extend(zip(quotes[0::2], quotes[1::2]))
    return sorted(singles), pairs, half_converted


# The ASCII marks normalize_punct may replace: a text without any is left as it is.
_ASCII_MARK_RE = re.compile(r'[,;:?!()"]')


def _punct_changes(text: str) -> dict[int, str]:
    """Return {index: full-width mark} for every ASCII mark that normalize_punct replaces."""
    if not _ASCII_MARK_RE.search(text):
        return {}
    chars = list(text)
    singles, pairs, half_converted = _structure(chars, _protected_positions(text))
    done: dict[int, str] = {}

    def convert(i: int, mark: str) -> None:
        chars[i] = done[i] = mark

    for i in half_converted:
        convert(i, _FULLWIDTH[chars[i]])
    # A converted mark is itself Chinese punctuation and may make its neighbour convert ("a,,中"), so
    # the rules are applied until nothing changes: that fixed point is what makes normalize_punct
    # idempotent. Conversions only ever add Chinese marks, so the loop ends.
    while True:
        # Sweeping forwards then backwards, converting as we go, settles runs of single marks in
        # either direction in one round (a one-change-per-round loop is quadratic on ",,,,,,中").
        for order in (singles, reversed(singles)):
            for i in order:
                if i not in done and _beside_chinese(chars, i):
                    convert(i, _FULLWIDTH[chars[i]])
        pending = [(o, c) for o, c in pairs if o not in done]
        if not pending:
            return done
        # Prefix counts make "does this pair enclose Chinese?" O(1).
        chinese_before = [0]
        for ch in chars:
            chinese_before.append(chinese_before[-1] + is_chinese(ch))
        to_convert = [
            (o, c)
            for o, c in pending
            if chinese_before[c] - chinese_before[o + 1] > 0
            or _neighbour_is_chinese(chars, o, -1)
            or _neighbour_is_chinese(chars, c, 1)
        ]
        if not to_convert:
            return done
        for o, c in to_convert:
            if chars[o] == '"':
                convert(o, "“")
                convert(c, "”")
            else:
                convert(o, "（")
                convert(c, "）")


def normalize_punct(text: str) -> str:
    """Replace ASCII , ; : ( ) ? ! " beside Chinese text with full-width marks; keep numbers, codes, URLs."""
    changes = _punct_changes(text)
    if not changes:
        return text
    chars = list(text)
    for i, c in changes.items():
        chars[i] = c
    return "".join(chars)


def find_halfwidth_punct(text: str) -> list[tuple[int, str]]:
    """Return (index, character) for each ASCII mark normalize_punct would replace, in text order."""
    return [(i, text[i]) for i in sorted(_punct_changes(text))]


_FOLD_TABLE = str.maketrans("，；：（）？！", ",;:()?!")
_WHITESPACE_RE = re.compile(r"\s+")


def fold_for_compare(text: str) -> str:
    """Fold full-width ，；：（）？！ to ASCII and drop all whitespace, for comparing text loosely."""
    return _WHITESPACE_RE.sub("", text.translate(_FOLD_TABLE))


# ---------------------------------------------------------------------------
# Control characters and line breaks

# Characters outside XML 1.0's Char production: lxml (and so python-docx) refuses them and Word cannot
# store them. Tab, LF and CR are allowed.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def find_control_chars(text: str) -> list[str]:
    """Return the distinct XML-illegal characters in text, in order of first appearance."""
    return list(dict.fromkeys(XML_ILLEGAL_RE.findall(text)))


def strip_control_chars(text: str) -> str:
    """Remove characters that XML 1.0 / Word cannot store."""
    return XML_ILLEGAL_RE.sub("", text)


def normalize_newlines(text: str) -> str:
    """Turn \\r\\n and lone \\r into \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Split a cell's text on line breaks into stripped, non-empty paragraphs."""
    # splitlines also knows \r, \v, \f, U+2028/2029, which reach cells through copy-paste from Word.
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------
# File names

_FORBIDDEN_NAME_CHARS = frozenset('<>:"/\\|?*')
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{i}" for dev in ("COM", "LPT") for i in "123456789¹²³"]
)


def _is_reserved(name: str) -> bool:
    """Return True when Windows maps name to a device: CON, con.txt, "NUL .tar.gz", COM¹ …"""
    return name.partition(".")[0].rstrip(" ").upper() in _RESERVED_NAMES


def _name_char_ok(ch: str) -> bool:
    # Cc covers C0, DEL and C1 controls; Cs lone surrogates cannot be encoded as a file name at all.
    return ch not in _FORBIDDEN_NAME_CHARS and unicodedata.category(ch) not in ("Cc", "Cs")


def safe_filename(name: str, max_len: int = 80) -> str:
    """Return name made safe as a Windows file or folder name of at most max_len characters."""
    if max_len < 1:
        raise ValueError(f"max_len must be at least 1, got {max_len}")
    # Replacing "/" and "\\" leaves no separators, so ".." can only be the whole name — and the
    # dot-stripping below turns that into "" and then "_".
    text = "".join(ch if _name_char_ok(ch) else "_" for ch in name)
    # Windows drops trailing dots and spaces itself; leading ones hide the file or look like "..".
    text = text.strip(". ")[:max_len].rstrip(". ")
    if not text:
        return "_"
    if _is_reserved(text):
        device_len = len(text.partition(".")[0].rstrip(" "))
        fixed = text[:device_len] + "_" + text[device_len:]
        if len(fixed) > max_len:
            # No room for the whole name plus "_": cut the tail after the "_" (con_.t), or, when even the
            # device name fills max_len, overwrite its last character (con → co_).
            fixed = fixed[:max_len] if max_len > device_len else text[: max_len - 1] + "_"
        text = fixed.rstrip(". ")
    return text


# 发文字号: 机关代字, the year in 六角括号 〔〕, the number without 第 and without leading zeros, 号.
# Brackets typed instead of 〔〕: [] 【】 () （） ［］ ﹝﹞ 「」 and a 〔 paired with another closing one.
_DOC_NUMBER_RE = re.compile(
    r"^(?P<prefix>.*?)\s*[〔\[【(（［﹝「]\s*(?P<year>\d{4})\s*[〕\]】)）］﹞」]\s*第?\s*(?P<number>\d+)\s*号$"
)


def correct_doc_number(text: str) -> str | None:
    """The standard form of a 发文字号 (GB/T 9704 7.2.4: 东工党〔2024〕12号), or None when `text` is not
    recognisably one (then nothing can be suggested). Returns `text` itself when it is already right."""
    text = text.strip()
    m = _DOC_NUMBER_RE.match(text)
    if m is None:
        return None
    return f"{m.group('prefix').strip()}〔{m.group('year')}〕{int(m.group('number'))}号"
