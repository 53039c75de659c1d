"""Where the notice's body ends, estimated on the fixed line grid, and the 版记 placed from it (GB/T 9704-2012 7.5).

The 版记 sits at the foot of the last page, which is an even page. Which page that is depends on where the
body ends, and neither Word nor LibreOffice can be told "at the foot of the last page if it is even and has
room, else on the next even page" (a footer shows on every page of its section; LibreOffice lays a
floating table or a paragraph frame anchored to the bottom of the page inline; an IF PAGE = NUMPAGES field
could hide the 版记 but on the last page, not move it to an even page, and NUMPAGES nested in a footer's
IF field is known to send LibreOffice's layout into a loop). So the program estimates the body's lines the way both lay them out on
the notice's grid (a fixed pitch, 28 characters of 3号 a line, headings and the 落款 kept with what
follows) and picks one of three constructions:

- the body ends on an even page with room for the 版记 and a line more, and two lines more or fewer
  anywhere above would not change that page: the 版记 goes into the body as a text box anchored to the
  body's last paragraph and aligned to the bottom of the text block, and the document keeps its page
  count (its last rule is the text block's bottom edge). Text that would run into the box flows on
  rather than under it;
- otherwise the template's own construction stays: the 版记 in the footers of a last section that
  starts on an even page, which can never put it on an odd page. When the estimate says the body ends
  on an even page (no room, or too close to call), a blank page comes before that section, and both go
  without page numbers (GB/T 9704 7.5: 版记页前有空白页的，空白页和版记页均不编排页码); when it ends on
  an odd page, the 版记's page is the next one and keeps its number.

An estimate off by up to two lines fails safe: the 版记 is never on an odd page; at worst a blank page
comes before it that was not needed, or its page's number is missing or shown against the rule. (Off by
more, across a page turn, the in-body 版记 could follow its paragraph onto an odd page; the tests hold
the estimate to LibreOffice's pages line for line.)
The estimate follows LibreOffice's layout (checked against its PDFs in the tests); Word moves the last
two lines of a kept closing rather than the whole paragraph and may break lines a little differently,
which the two lines' margin is there to absorb.

The template's construction is recognised by its parts (a last section of type evenPage whose footers
hold a table, the 版记, after a paragraph that ends the body's section); a template an office changed
so that these are not there is returned as it is. The estimate reads the styles from styles.xml, so an
office that changed the body's size or line pitch in Word is estimated with its own values; a body
holding anything but paragraphs (a table, a picture) is not estimated, and the template's construction
stays with its page numbers."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W_NS, "r": R_NS}
_W = f"{{{W_NS}}}"

MARGIN_LINES = 2  # how far (in lines) the estimate must be from a page end for the in-body 版记
ROOM_LINES = 1  # and how many lines more than the 版记's must be free on that page
# Where Chinese meets a Latin word or number Word and LibreOffice add space (automatic spacing), here as a
# part of the size: LibreOffice's notices (45 rendered ones) agree line for line with any value from 1/8 to
# 3/16 and disagree from 1/4 on; the middle of that range.
AUTOSPACE = 5 / 32
# No line starts with these (GB/T 15834 practice, as Word and LibreOffice apply it to Chinese text)
NO_START = set("，。、；：？！）》」』】〕〉”’…—·％,.;:?!)]}%")
NO_END = set("（《「『【〔〈“‘([{")
# Advance widths of printable ASCII in Times New Roman (the styles' Latin face), per 1000 of the size
# (the metrics Times New Roman shares with Adobe's Times-Roman); anything else half-width is 500.
_LATIN_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        (250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278)
        + (500,) * 10
        + (278, 278, 564, 564, 564, 444, 921)
        + (722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889)
        + (722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611)
        + (333, 278, 333, 469, 500, 333)
        + (444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778)
        + (500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444)
        + (480, 200, 480, 541),
    )
)


@dataclass
class ParaStyle:
    size: int = 320  # font size, twips
    spacing: int = 0  # character spacing, twips
    line: int | None = None  # exact line height, twips (None: single spacing)
    before: int = 0
    after: int = 0
    left: int = 0
    right: int = 0
    first: int = 0  # first-line indent (negative: hanging)
    keep_next: bool = False
    widow: bool = True
    border: int = 0  # bottom border space and width, twips
    snap: bool = True


@dataclass
class Estimate:
    """The body's end: `page` (1-based) and `used` (twips used on that page); `text_height` of a page."""

    page: int
    used: int
    text_height: int
    pitch: int

    @property
    def free_lines(self) -> int:
        return (self.text_height - self.used) // self.pitch


@dataclass
class _Para:
    heights: list[int]  # one entry per line (the first includes the space before, the last the space after)
    keep_next: bool
    widow: bool


def _int(element, attr: str) -> int | None:
    if element is None:
        return None
    value = element.get(_W + attr)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _on(element) -> bool | None:
    if element is None:
        return None
    return element.get(_W + "val", "1") not in ("0", "false", "off")


def _apply_ppr(style: ParaStyle, ppr) -> None:
    if ppr is None:
        return
    keep = _on(ppr.find("w:keepNext", NS))
    if keep is not None:
        style.keep_next = keep
    widow = _on(ppr.find("w:widowControl", NS))
    if widow is not None:
        style.widow = widow
    snap = _on(ppr.find("w:snapToGrid", NS))
    if snap is not None:
        style.snap = snap
    spacing = ppr.find("w:spacing", NS)
    if spacing is not None:
        for attr in ("before", "after"):
            value = _int(spacing, attr)
            if value is not None:
                setattr(style, attr, value)
        line, rule = _int(spacing, "line"), spacing.get(_W + "lineRule")
        if line is not None:
            style.line = line if rule == "exact" else None
    ind = ppr.find("w:ind", NS)
    if ind is not None:
        for attr, chars in (("left", "leftChars"), ("right", "rightChars")):
            value, in_chars = _int(ind, attr), _int(ind, chars)
            if in_chars is not None:
                value = in_chars * style.size // 100
            if value is not None:
                setattr(style, attr, value)
        first, first_chars = _int(ind, "firstLine"), _int(ind, "firstLineChars")
        hanging, hanging_chars = _int(ind, "hanging"), _int(ind, "hangingChars")
        if first_chars is not None:
            first = first_chars * style.size // 100
        if hanging_chars is not None:
            hanging = hanging_chars * style.size // 100
        if hanging:
            style.first = -hanging
        elif first is not None:
            style.first = first
    bottom = ppr.find("w:pBdr/w:bottom", NS)
    if bottom is not None:
        style.border = (_int(bottom, "space") or 0) * 20 + (_int(bottom, "sz") or 0) * 20 // 8


def _apply_rpr(style: ParaStyle, rpr) -> None:
    if rpr is None:
        return
    sz = _int(rpr.find("w:sz", NS), "val")
    if sz is not None:
        style.size = sz * 10
    spacing = _int(rpr.find("w:spacing", NS), "val")
    if spacing is not None:
        style.spacing = spacing


def read_styles(styles_xml: bytes) -> dict[str, ParaStyle]:
    """Paragraph styles by id, with what they inherit (basedOn) and the document defaults."""
    root = etree.fromstring(styles_xml)
    elements = {s.get(_W + "styleId"): s for s in root.findall("w:style", NS) if s.get(_W + "type") == "paragraph"}
    default = ParaStyle()
    _apply_rpr(default, root.find("w:docDefaults/w:rPrDefault/w:rPr", NS))
    _apply_ppr(default, root.find("w:docDefaults/w:pPrDefault/w:pPr", NS))
    resolved: dict[str, ParaStyle] = {}

    def resolve(style_id: str, depth: int = 0) -> ParaStyle:
        if style_id in resolved:
            return resolved[style_id]
        element = elements.get(style_id)
        based = element.find("w:basedOn", NS) if element is not None else None
        parent_id = based.get(_W + "val") if based is not None else None
        if parent_id and depth < 20 and parent_id in elements:
            style = ParaStyle(**resolve(parent_id, depth + 1).__dict__)
        else:
            style = ParaStyle(**default.__dict__)
        if element is not None:
            _apply_rpr(style, element.find("w:rPr", NS))  # size first: the *Chars indents use it
            _apply_ppr(style, element.find("w:pPr", NS))
        resolved[style_id] = style
        return style

    for style_id in elements:
        resolve(style_id)
    normal = next((sid for sid, s in elements.items() if s.get(_W + "default") == "1"), None)
    resolved[""] = resolved[normal] if normal else default
    return resolved


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A") and ord(ch) > 0x2000


def _tokens(text: str, size: int, spacing: int) -> list[tuple[str, float]]:
    """Unbreakable pieces of `text` and their widths in twips (3号 with the body's spacing by default): one
    Chinese character or mark (the size, plus the character spacing), a Latin word or number (half the
    size a character, plus the spacing, and the automatic spacing where it meets Chinese), a space."""
    wide = size + spacing

    def narrow(piece: str) -> float:
        return sum(size * _LATIN_WIDTHS.get(ch, 500) / 1000 + spacing for ch in piece)

    out: list[tuple[str, float]] = []
    word = ""
    for ch in text:
        if _wide(ch) or ch.isspace():
            if word:
                out.append((word, narrow(word)))
                word = ""
            out.append((ch, wide if _wide(ch) else narrow(ch)))
        else:
            word += ch
    if word:
        out.append((word, narrow(word)))
    # the automatic spacing between Chinese and Latin text, each side of a word that meets Chinese
    for i, (piece, width) in enumerate(out):
        if not _wide(piece[0]) and not piece.isspace():
            sides = (i > 0 and _wide(out[i - 1][0][-1])) + (i + 1 < len(out) and _wide(out[i + 1][0][0]))
            out[i] = (piece, width + AUTOSPACE * size * sides)
    return out


def line_count(text: str, first: float, rest: float, size: int = 320, spacing: int = -5) -> int:
    """Lines `text` takes when the first line is `first` twips wide and the others `rest`: greedy, no
    line starting with a closing mark (the character before goes down with it) or ending with an
    opening one."""
    tokens = _tokens(text, size, spacing)
    if not tokens:
        return 1
    lines, room, i, on_line = 1, first, 0, 0
    while i < len(tokens):
        piece, width = tokens[i]
        if width <= room + 1e-6 or on_line == 0 or piece.isspace():
            room -= width
            on_line += 1
            i += 1
            continue
        # the line is full before tokens[i]
        if piece[0] in NO_START and on_line > 1:
            i -= 1  # the piece before goes down with the mark
        elif tokens[i - 1][0][-1] in NO_END and on_line > 1:
            i -= 1
        lines, room, on_line = lines + 1, rest, 0
    return lines


_SKIPPED = {_W + "drawing", _W + "pict", _W + "delText", _W + "instrText", _W + "pPr", _W + "rPr"}


def _paragraph_text_lines(p) -> list[str]:
    """The paragraph's text, split at its line breaks (not the text of a text box or a field's code)."""
    lines = [""]

    def walk(element) -> None:
        for el in element:
            tag = el.tag
            if not isinstance(tag, str) or tag in _SKIPPED or tag.startswith(f"{{{_MC}}}"):
                continue
            if tag == _W + "t":
                lines[-1] += el.text or ""
            elif tag == _W + "tab":
                lines[-1] += " "
            elif tag in (_W + "br", _W + "cr"):
                lines.append("")
            else:
                walk(el)

    walk(p)
    return lines


def _paragraphs(body, styles: dict[str, ParaStyle], width: int, pitch: int, stop) -> list[_Para] | None:
    out: list[_Para] = []
    for child in body:
        if child is stop:
            break
        if child.tag != _W + "p":
            if child.tag in (_W + "sectPr", _W + "tcPr", _W + "bookmarkStart", _W + "bookmarkEnd", _W + "proofErr"):
                continue
            return None  # a table or anything else: not estimated
        if child.find(f".//{{{_WP_NS}}}inline", NS) is not None or child.find(".//w:pict", NS) is not None:
            return None  # a picture in the line (a text box anchored to the page takes no line)
        if child.find(".//w:br[@w:type='page']", NS) is not None:
            return None
        ppr = child.find("w:pPr", NS)
        style_el = ppr.find("w:pStyle", NS) if ppr is not None else None
        base = styles.get(style_el.get(_W + "val") if style_el is not None else "", styles[""])
        style = ParaStyle(**base.__dict__)
        _apply_ppr(style, ppr)
        advance = style.size + style.spacing
        if advance <= 0:
            return None
        avail = width - style.left - style.right
        count = 0
        for text in _paragraph_text_lines(child):
            first = avail - style.first if count == 0 else avail
            count += line_count(text, first, avail, style.size, style.spacing)
        if style.line is not None:
            line = style.line
        else:  # single spacing: the font's height and a little, on the grid when the paragraph snaps to it
            line = round(style.size * 1.3)
            if style.snap and pitch:
                line = math.ceil(line / pitch) * pitch
        heights = [line] * count
        heights[0] += style.before
        heights[-1] += style.after + style.border
        out.append(_Para(heights, style.keep_next, style.widow))
    return out


def paginate(paras: list[_Para], text_height: int) -> tuple[int, int]:
    """(page, used twips on it) after the last paragraph, laid out as LibreOffice does on the grid:
    paragraphs break between lines; a paragraph kept with the next goes over whole with the first lines
    of the one it is kept with (two with widow control); a paragraph with widow control leaves two lines
    at least on each page."""
    page, used = 1, 0

    def lay(heights: list[int], widow: bool) -> None:
        nonlocal page, used
        k, n = 0, len(heights)
        while k < n:
            fit, room = 0, used
            while k + fit < n and (room + heights[k + fit] <= text_height or (room <= 0 and fit == 0)):
                room += heights[k + fit]
                fit += 1
            if k + fit == n:
                used = room
                return
            if widow and n > 2:
                if k == 0 and fit == 1:
                    fit = 0  # one line would stay alone at the foot: the paragraph starts on the next page
                elif n - k - fit == 1 and fit >= 3:
                    fit -= 1  # one line would go over alone: one more goes with it
            used += sum(heights[k : k + fit])
            k += fit
            page, used = page + 1, 0

    i = 0
    while i < len(paras):
        # a chain: paragraphs kept with the next, then the one they are kept with
        j = i
        while j < len(paras) - 1 and paras[j].keep_next:
            j += 1
        tail = paras[j]
        need = len(tail.heights) if tail.widow and len(tail.heights) <= 3 else 2 if tail.widow else 1
        start = sum(sum(p.heights) for p in paras[i:j]) + sum(tail.heights[:need])
        if used > 0 and used + start > text_height:
            page, used = page + 1, 0
        for p in paras[i:j]:
            lay(p.heights, False)
        lay(tail.heights, tail.widow)
        i = j + 1
    return page, used


def estimate(document_xml: bytes, styles_xml: bytes, stop_index: int | None = None, lines: int = 0) -> Estimate | None:
    """Where the body (the body's children before `stop_index`) ends, with `lines` more lines (fewer when
    negative) at the top of the body: where it would end were the estimate that far off. None when it
    cannot be estimated."""
    root = etree.fromstring(document_xml)
    body = root.find("w:body", NS)
    sect = body.find("w:sectPr", NS) if body is not None else None
    if body is None or sect is None:
        return None
    size, mar = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    width = (_int(size, "w") or 0) - (_int(mar, "left") or 0) - (_int(mar, "right") or 0)
    height = (_int(size, "h") or 0) - (_int(mar, "top") or 0) - (_int(mar, "bottom") or 0)
    pitch = _int(sect.find("w:docGrid", NS), "linePitch") or 579
    if width <= 0 or height <= 0:
        return None
    stop = body[stop_index] if stop_index is not None else None
    paras = _paragraphs(body, read_styles(styles_xml), width, pitch, stop)
    if not paras:
        return None
    if lines:
        paras.insert(0, _Para([lines * pitch], keep_next=False, widow=False))
    page, used = paginate(paras, height)
    return Estimate(page, used, height, pitch)


# --------------------------------------------------------------------------------------------------
# The 版记
# --------------------------------------------------------------------------------------------------

EMU_PER_TWIP = 635
RULES = 60  # the 版记's three rules, twips (0.35 + 0.25 + 0.35 mm ≈ 3 pt)
# The text box is this much taller than the 版记's lines and rules (the 版记 sits at its bottom): a box
# too short cuts the 版记 off in LibreOffice. RULES + BOX_SLACK stay within the line ROOM_LINES spares.
BOX_SLACK = 120
_PAGE_NUMBER_STYLE = "GwPageNumber"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def may_hold_record_section(document_xml: bytes) -> bool:
    """False when the document surely has no 版记 section (a cheap test before parsing it)."""
    return b'w:val="evenPage"' in document_xml


def record_break_index(document_xml: bytes) -> int | None:
    """The index (among the body's children) of the paragraph that ends the body's section before the
    版记's section, when the document is built as the notice template builds it; else None."""
    body = etree.fromstring(document_xml).find("w:body", NS)
    if body is None:
        return None
    children = list(body)
    if not children or children[-1].tag != _W + "sectPr":
        return None
    final = children[-1]
    kind = final.find("w:type", NS)
    if kind is None or kind.get(_W + "val") != "evenPage":
        return None
    for i in range(len(children) - 2, -1, -1):
        child = children[i]
        if child.tag != _W + "p":
            return None
        if child.find("w:pPr/w:sectPr", NS) is not None:
            return i
        if "".join(child.itertext()).strip():
            return None  # text between the break and the end: not the template's construction
    return None


def _footer_targets(sect, rels: dict[str, str]) -> dict[str, str]:
    """{'default'/'even'/'first': part name} of a sectPr's footers."""
    out = {}
    for ref in sect.findall("w:footerReference", NS):
        target = rels.get(ref.get(f"{{{R_NS}}}id", ""))
        if target:
            out[ref.get(_W + "type", "default")] = "word/" + target.lstrip("/").removeprefix("word/")
    return out


def _record_height(table, styles: dict[str, ParaStyle], width: int, pitch: int) -> int:
    """The 版记's lines (its rows), twips; the rules between them are within the line spared under the
    落款 (ROOM_LINES)."""
    height = 0
    for row in table.findall("w:tr", NS):
        cells = row.findall("w:tc", NS)
        row_height = 0
        for cell in cells:
            paras = _paragraphs(cell, styles, width, pitch, None) or []
            row_height = max(row_height, sum(sum(p.heights) for p in paras))
        height += row_height
    return height


def _box(table, width: int, height: int, shape_id: int) -> bytes:
    """The 版记 table in a text box the width of the text block, aligned to the bottom of the text block
    (the margin), text above and below it but not beside it; anchored to the body's last paragraph."""
    cx, cy = width * EMU_PER_TWIP, height * EMU_PER_TWIP
    table_xml = etree.tostring(table).decode()
    return (
        f'<w:r xmlns:w="{W_NS}" xmlns:mc="{_MC}" xmlns:wp="{_WP}" xmlns:wps="{_WPS}" xmlns:a="{_A}">'
        '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="0">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapTopAndBottom/><wp:docPr id="{shape_id}" name="版记"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{table_xml}"
        '<w:p><w:pPr><w:pStyle w:val="GwTiny"/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        "</w:pPr></w:p></w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b">'
        "<a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice></mc:AlternateContent></w:r>"
    ).encode()


def _without_page_numbers(footer_xml: bytes) -> bytes:
    root = etree.fromstring(footer_xml)
    for p in root.findall("w:p", NS):
        style = p.find("w:pPr/w:pStyle", NS)
        is_number = style is not None and style.get(_W + "val") == _PAGE_NUMBER_STYLE
        has_field = any("PAGE" in (t.text or "").split() for t in p.iter(_W + "instrText"))
        if is_number or has_field:
            root.remove(p)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def choose(document_xml: bytes, styles_xml: bytes, record_height: int) -> str | None:
    """'page' (the 版记 at the foot of the body's last page, an even one with room), 'blank' (the body
    ends on an even page without room: a blank page, then the 版记, both without page numbers) or 'next'
    (the body ends on an odd page: the 版记 on the next page, numbered); None when not estimated."""
    chosen = _choose(document_xml, styles_xml, record_height)
    return chosen[0] if chosen else None


# How many pages each construction adds after the body's last page: none (the 版记 on it), the 版记's
# page, or a blank page and the 版记's page.
_PAGES_AFTER_BODY = {"page": 0, "next": 1, "blank": 2}


def _choose(document_xml: bytes, styles_xml: bytes, record_height: int) -> tuple[str, int] | None:
    """The construction (see choose) and the body's last page."""
    stop = record_break_index(document_xml)
    if stop is None:
        return None
    central = estimate(document_xml, styles_xml, stop)
    if central is None:
        return None
    if central.page % 2:
        return "next", central.page
    longer = estimate(document_xml, styles_xml, stop, MARGIN_LINES)
    shorter = estimate(document_xml, styles_xml, stop, -MARGIN_LINES)
    assert longer is not None and shorter is not None
    if (
        longer.page == central.page == shorter.page
        and central.used + (ROOM_LINES * central.pitch) + record_height <= central.text_height
    ):
        return "page", central.page
    return "blank", central.page


def notice_pages(parts: dict[str, bytes]) -> int | None:
    """The notice's page count as place_record will lay it out: the body's estimated last page and the
    pages the 版记's construction adds after it (a blank page, the 版记's page), or a notice without a 版记
    (one section) its body's last page; None when the document is not the notice template's construction
    or cannot be estimated."""
    document_xml, styles_xml = parts.get("word/document.xml"), parts.get("word/styles.xml")
    if document_xml is None or styles_xml is None:
        return None
    if not may_hold_record_section(document_xml):
        whole = estimate(document_xml, styles_xml)
        return whole.page if whole is not None else None
    found = _record_parts(parts)
    if found is None:
        return None
    chosen = _choose(parts["word/document.xml"], parts["word/styles.xml"], found[-1])
    if chosen is None:
        return None
    case, body_last = chosen
    return body_last + _PAGES_AFTER_BODY[case]


def _record_parts(parts: dict[str, bytes]) -> tuple[Any, int, dict[str, str], Any, int, int] | None:
    """The notice's document root, where its body's section ends, the 版记 footers, the 版记 table, the
    text block's width and the 版记's height; None when the parts are not the template's construction."""
    document_xml, styles_xml = parts.get("word/document.xml"), parts.get("word/styles.xml")
    rels_xml = parts.get("word/_rels/document.xml.rels")
    if document_xml is None or styles_xml is None or rels_xml is None:
        return None
    stop = record_break_index(document_xml) if may_hold_record_section(document_xml) else None
    if stop is None:
        return None
    rels = {
        r.get("Id"): r.get("Target", "")
        for r in etree.fromstring(rels_xml).findall(f"{{{_REL_NS}}}Relationship")
        if r.get("Type", "").endswith("/footer")
    }
    root = etree.fromstring(document_xml)
    body = root.find("w:body", NS)
    children = list(body)
    final, break_p = children[-1], children[stop]
    body_sect = break_p.find("w:pPr/w:sectPr", NS)
    record_footers = _footer_targets(final, rels)
    body_footers = _footer_targets(body_sect, rels)
    if not record_footers or set(record_footers.values()) & set(body_footers.values()):
        return None
    footer_xml = parts.get(record_footers.get("default", ""))
    if footer_xml is None:
        return None
    table = etree.fromstring(footer_xml).find("w:tbl", NS)
    if table is None:
        return None
    styles = read_styles(styles_xml)
    size, mar = final.find("w:pgSz", NS), final.find("w:pgMar", NS)
    width = (_int(size, "w") or 0) - (_int(mar, "left") or 0) - (_int(mar, "right") or 0)
    pitch = _int(final.find("w:docGrid", NS), "linePitch") or 579
    return root, stop, record_footers, table, width, _record_height(table, styles, width, pitch)


def place_record(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The 版记 placed by GB/T 9704 7.5 (see the module's docstring); `parts` as they are when the
    document is not the notice template's construction or cannot be estimated."""
    found = _record_parts(parts)
    if found is None:
        return parts
    root, stop, record_footers, table, width, height = found
    body = root.find("w:body", NS)
    children = list(body)
    break_p = children[stop]
    body_sect = break_p.find("w:pPr/w:sectPr", NS)
    case = choose(parts["word/document.xml"], parts["word/styles.xml"], height)
    out = dict(parts)
    if case == "blank":
        for name in set(record_footers.values()):
            out[name] = _without_page_numbers(parts[name])
    elif case == "page":
        # one section: the body's (its page setup and footers) governs the whole document
        last = next((c for c in reversed(children[:stop]) if c.tag == _W + "p"), None)
        if last is None:
            return parts
        for child in children[stop:]:
            body.remove(child)
        break_p.find("w:pPr", NS).remove(body_sect)
        body.append(body_sect)
        ids = [int(d.get("id")) for d in root.iter(f"{{{_WP}}}docPr") if (d.get("id") or "").isdigit()]
        box = _box(table, width, height + RULES + BOX_SLACK, max(ids, default=0) + 1)
        last.append(etree.fromstring(box))
        out["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out
