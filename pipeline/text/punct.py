"""Punctuation and whitespace of Chinese text: full-width marks, typed numbering, control characters, paragraphs."""

from __future__ import annotations

import re

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
    if m is None or not text[m.end() :].strip():
        return text, ""
    return text[m.end() :], m.group(0).strip()


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
