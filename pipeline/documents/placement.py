"""Placing the parts of a rendered document whose position depends on its text (GB/T 9704-2012).

A template cannot hold a position computed from the values rendered into it (its XML must stay valid
for Word to edit it), so these run on the rendered document.xml: the red 发文机关标志 is fitted to one
line of the text block (7.2.3), and the 落款 is placed by 7.3.5.1 (sealed: the date four characters from
the right, the 署名 centred over the date) or 7.3.5.2 (unsealed: the 署名 two characters from the right,
the date two characters right of the 署名's first character; a date that would then come closer than two
characters to the right ends two from it, and the 署名 moves left with it).

Paragraphs are found by their style ids (GwIssuerMark, GwSignature, GwDate), so a template an office
edited in Word keeps the behaviour as long as it keeps the styles. Widths are measured in characters of
the paragraph's size, as Word and LibreOffice set Chinese text: a Chinese character or full-width mark is
one, a half-width digit or letter half of one, plus a quarter of one where Chinese meets digits or Latin
letters (the automatic spacing both apply between them)."""

from __future__ import annotations

import re
import unicodedata

TWIPS_PER_PT = 20
BODY_SIZE_PT = 16.0  # 3号: the 落款's size
BODY_CHAR_SPACING_PT = -0.25  # the body styles' character spacing (builder.gbt.BODY_CHAR_SPACING)
MARK_SIZE_PT = 36.0  # 小初: the 发文机关标志's size in the template
MARK_MIN_SCALE = 60  # narrowest characters (percent) before the size comes down
AUTOSPACE = 0.25  # characters added where Chinese meets a digit or Latin letter

_PARAGRAPH_RE = re.compile(rb"<w:p(?: [^>]*)?>(?:(?!</w:p>).)*?</w:p>", re.DOTALL)
_TEXT_RE = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_RUN_PR_RE = re.compile(rb"(<w:r(?: [^>]*)?>)(<w:rPr>(.*?)</w:rPr>)?", re.DOTALL)
_PPR_END_RE = re.compile(rb"</w:pPr>")
_IND_RE = re.compile(rb"<w:ind [^>]*/>")
_JC_RE = re.compile(rb"<w:jc [^>]*/>")
_PG_SZ_RE = re.compile(rb'<w:pgSz [^>]*w:w="(\d+)"')
_PG_MAR_RE = re.compile(rb"<w:pgMar [^>]*/>")


def _style(paragraph: bytes) -> str:
    m = re.search(rb'<w:pStyle w:val="([^"]+)"/>', paragraph)
    return m.group(1).decode() if m else ""


def _text(paragraph: bytes) -> str:
    from html import unescape

    return unescape(b"".join(_TEXT_RE.findall(paragraph)).decode("utf-8"))


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def width_chars(text: str) -> float:
    """The width of `text` in characters of its size (see the module's docstring)."""
    total = 0.0
    previous: bool | None = None
    for ch in text:
        wide = _wide(ch)
        total += 1.0 if wide else 0.5
        if previous is not None and wide != previous and (ch.isalnum() or not wide and not ch.isspace()):
            total += AUTOSPACE
        previous = wide
    return total


def text_width_twips(xml: bytes) -> int | None:
    """The text block's width in twips: the (last) section's page width less its left and right margins."""
    sizes, margins = _PG_SZ_RE.findall(xml), _PG_MAR_RE.findall(xml)
    if not sizes or not margins:
        return None
    margin = margins[-1]
    left = re.search(rb'w:left="(\d+)"', margin)
    right = re.search(rb'w:right="(\d+)"', margin)
    if not left or not right:
        return None
    return int(sizes[-1]) - int(left.group(1)) - int(right.group(1))


def mark_fit(text: str, text_width: int) -> tuple[int, float]:
    """(character scale in percent, size in pt) that keep the 发文机关标志 on one line of `text_width` twips:
    the template's 小初 at full width when it fits, else narrower characters (down to MARK_MIN_SCALE %),
    then a smaller size."""
    width = width_chars(text) * MARK_SIZE_PT * TWIPS_PER_PT
    if width <= text_width:
        return 100, MARK_SIZE_PT
    scale = int(100 * text_width / width)  # rounded down: never wider than the line
    if scale >= MARK_MIN_SCALE:
        return scale, MARK_SIZE_PT
    size = int(2 * MARK_SIZE_PT * text_width / (width * MARK_MIN_SCALE / 100)) / 2  # whole half-points
    return MARK_MIN_SCALE, size


def _set_run_properties(paragraph: bytes, extra: bytes) -> bytes:
    """Append `extra` (w:w / w:sz elements) to every run's properties in `paragraph`."""

    def patch(m: re.Match[bytes]) -> bytes:
        start, whole, inner = m.group(1), m.group(2), m.group(3)
        if whole is None:
            return start + b"<w:rPr>" + extra + b"</w:rPr>"
        inner = re.sub(rb"<w:(?:w|sz|szCs) [^>]*/>", b"", inner)
        return start + b"<w:rPr>" + _in_schema_order(inner, extra) + b"</w:rPr>"

    return _RUN_PR_RE.sub(patch, paragraph)


# rPr children after which w:w and w:sz go (ISO 29500 17.3.2.28 sequence), the ones before w:w.
_BEFORE_W = (
    b"rStyle",
    b"rFonts",
    b"b",
    b"bCs",
    b"i",
    b"iCs",
    b"caps",
    b"smallCaps",
    b"strike",
    b"dstrike",
    b"outline",
    b"shadow",
    b"emboss",
    b"imprint",
    b"noProof",
    b"snapToGrid",
    b"vanish",
    b"webHidden",
    b"color",
    b"spacing",
)


def _in_schema_order(inner: bytes, extra: bytes) -> bytes:
    # split the existing children at the first one that goes after w:w
    pos = 0
    for m in re.finditer(rb"<w:(\w+)\b(?:[^>]*/>|[^>]*>.*?</w:\1>)", inner, re.DOTALL):
        if m.group(1) in _BEFORE_W:
            pos = m.end()
        else:
            break
    return inner[:pos] + extra + inner[pos:]


def fit_issuer_mark(xml: bytes) -> bytes:
    """Fit every GwIssuerMark paragraph's text to one line (see mark_fit)."""
    if b"GwIssuerMark" not in xml:
        return xml
    width = text_width_twips(xml)
    if width is None:
        return xml

    def fit(m: re.Match[bytes]) -> bytes:
        paragraph = m.group(0)
        if _style(paragraph) != "GwIssuerMark":
            return paragraph
        scale, size = mark_fit(_text(paragraph), width)
        if scale == 100:
            return paragraph
        extra = f'<w:w w:val="{scale}"/>'.encode()
        if size != MARK_SIZE_PT:
            half = round(size * 2)
            extra += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'.encode()
        return _set_run_properties(paragraph, extra)

    return _PARAGRAPH_RE.sub(fit, xml)


def closing_indents(signature: str, date: str, sealed: bool) -> tuple[float, float]:
    """(署名, 成文日期) right indents in characters, by GB/T 9704 7.3.5.1 (sealed) or 7.3.5.2."""
    sw, dw = width_chars(signature), width_chars(date)
    if sealed:
        date_right = 4.0
        return max(date_right + (dw - sw) / 2, 0.0), date_right
    # the date starts two characters right of the 署名's first character; when that would bring it closer
    # than two characters to the right margin, it ends two from the right and the 署名 moves left to keep
    # the two characters between the first characters
    date_right = max(2.0 + sw - 2 - dw, 2.0)
    return date_right + dw + 2 - sw, date_right


def _with_right_indent(paragraph: bytes, chars: float) -> bytes:
    hundredths = round(chars * 100)
    twips = round(chars * (BODY_SIZE_PT + BODY_CHAR_SPACING_PT) * TWIPS_PER_PT)
    ind = f'<w:ind w:rightChars="{hundredths}" w:right="{twips}"/>'.encode()
    paragraph = _IND_RE.sub(b"", paragraph)
    paragraph = _JC_RE.sub(b"", paragraph)
    # w:ind then w:jc close the pPr (only w:rPr, w:sectPr and w:pPrChange may follow them)
    m = re.search(rb"<w:rPr>|<w:sectPr|<w:pPrChange|</w:pPr>", paragraph)
    assert m is not None
    return paragraph[: m.start()] + ind + b'<w:jc w:val="right"/>' + paragraph[m.start() :]


def place_closing(xml: bytes, sealed: bool) -> bytes:
    """Give the 落款's 署名 (GwSignature with text) and the GwDate paragraph after it their right indents
    (see closing_indents). A document without both is returned as it is."""
    if b"GwSignature" not in xml or b"GwDate" not in xml:
        return xml
    paragraphs = list(_PARAGRAPH_RE.finditer(xml))
    signature = date = None
    for m in paragraphs:
        style = _style(m.group(0))
        if style == "GwSignature" and _text(m.group(0)).strip():
            signature, date = m, None
        elif style == "GwDate" and signature is not None and _text(m.group(0)).strip():
            date = m
    if signature is None or date is None:
        return xml
    sig_text, date_text = _text(signature.group(0)).strip(), _text(date.group(0)).strip()
    sig_right, date_right = closing_indents(sig_text, date_text, sealed)
    return (
        xml[: signature.start()]
        + _with_right_indent(signature.group(0), sig_right)
        + xml[signature.end() : date.start()]
        + _with_right_indent(date.group(0), date_right)
        + xml[date.end() :]
    )
