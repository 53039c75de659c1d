"""Build the four docxtpl templates in the official document format (GB/T 9704-2012).

The shipped files `templates/通报.docx`, `问题清单.docx`, `任务清单.docx` and `责任清单.docx` are generated
by `build_templates()`; every formatting decision (page setup, styles, fonts, footers, tables) is made in
this module so it can be read and reviewed. An office may later edit the generated files in Word: the
formatting lives in named styles (公文正文, 一级标题, 表格正文, …), so changing a style changes the document.

Run `python -m pipeline.template_builder [DIR]` to (re)write the templates (default: `templates/`).

Format facts come from /work/shared/FORMAT.md; the template variables (the context contract) are listed
in the docstrings of `_build_notice` and `_build_checklist`.

Units used below: twips (1/20 pt, 1/1440 inch) for page setup, indents, spacing and table widths;
half-points for font sizes (`w:sz`); hundredths of a character for `w:firstLineChars` and friends.

Things python-docx cannot express (East Asian fonts on styles, document grid, fields, repeated header
rows, rows that do not split, the font table) are written with lxml as WordprocessingML.
Elements are always written in the order the OOXML schema requires.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.
from pipeline.checklist_layout import CELL_LINE, CELL_SIZE, CHECKLIST_WIDTH_MM, CHECKLISTS, Checklist, Column  # noqa: F401
from pipeline.context import TEMPLATE_NAMES
from pipeline.render import normalize_zip


# Core properties of the templates: fixed, never the clock (the renderer sets them per document).
TEMPLATE_TIMESTAMP = datetime(2024, 1, 1, 0, 0, 0)
TEMPLATE_AUTHOR = "rectify"

W = nsdecls("w")


# --------------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------------


def mm(value: float) -> int:
    """Millimetres → twips (1 mm = 1440 / 25.4 twips), rounded to whole twips."""
    return round(value * 1440 / 25.4)


def pt(value: float) -> int:
    """Points → twips."""
    return round(value * 20)


def chars(hundredths: int, size_pt: float) -> int:
    """`w:firstLineChars`-style hundredths of a character → the equivalent twips at `size_pt`.

    Word uses the *Chars attribute and ignores the twips one when both are present; other readers
    (and Word with the attribute removed) use the twips value, so both are always written.
    """
    return round(hundredths / 100 * size_pt * 20)


# --------------------------------------------------------------------------------------------------
# Fonts and sizes (Chinese size names: 2号 22 pt, 小二 18 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt, 五号 10.5 pt)
# --------------------------------------------------------------------------------------------------

LATIN = "Times New Roman"  # digits and Latin letters (practice)
FANGSONG = "仿宋_GB2312"  # body text; Windows 10+ ships 仿宋 instead (see FONT_TABLE: altName)
XIAOBIAOSONG = "方正小标宋简体"  # titles
HEITI = "黑体"  # level-1 headings, table header cells
KAITI = "楷体_GB2312"  # level-2 headings
SONGTI = "宋体"  # page numbers

SIZE_2 = 22.0  # 2号: document title
SIZE_XIAO2 = 18.0  # 小二: checklist title (a landscape table page, a long title on one line)
SIZE_3 = 16.0  # 3号: body and headings
SIZE_4 = 14.0  # 4号: page numbers, 版记, checklist issuer line
SIZE_XIAO4 = 12.0  # 小四 (FORMAT.md allows it for table cells; the checklists use 五号)
SIZE_5 = 10.5  # 五号: checklist cells, header and body

# Checklist cells: 五号 for the header (黑体) and the body (仿宋). At 小四 the running text of the
# measures and results made rows of up to 10 lines, and the example's 72 measures took 20 landscape
# pages (任务清单); at 五号 a column holds 14 % more characters a line and each line is 12.5 % lower.
# The header is the same size as the body: 黑体 sets it apart, and the headers stay on one line.
TABLE_HEADER_SIZE = SIZE_5
TABLE_BODY_SIZE = SIZE_5
assert TABLE_BODY_SIZE == CELL_SIZE  # the page layout estimate (checklist_layout) uses the same
TABLE_LINE = pt(CELL_LINE)  # exact line height of checklist cells, twips

BLACK = "000000"
# The 版头's red (FORMAT.md: M 80 %, Y 80 %): the 发文机关标志 and the rule under the 发文字号.
RED = "FF3333"
SIZE_XIAOCHU = 36.0  # 小初: the 发文机关标志 (12 characters fill the 156 mm text block)
# The 版头 (GB/T 9704 7.2): the mark's top edge 35 mm below the text block's top edge; the 发文字号 two
# lines below the mark; the red rule 4 mm below the 发文字号, 1.5 pt, the width of the text block.
HEADER_TOP = mm(35)
RULE_GAP_PT = 11  # 4 mm ≈ 11.3 pt (a border's space is whole points, 31 at most)

# Character spacing of the 3号 text, in twentieths of a point: the 8845-twip (442.25 pt) line holds 28
# characters of 16 pt only if each is at most 15.79 pt wide, i.e. 0.21 pt less; −0.25 pt (15.75 pt a
# character, 441 pt for 28) leaves a little room for rounding, and 29 characters (456.75 pt) never fit.
BODY_CHAR_SPACING = -5

# Font table entries: Word uses them to substitute a missing font (altName, GB2312 charset 86) — e.g.
# a Windows 10 machine without 仿宋_GB2312 falls back to 仿宋, without 楷体_GB2312 to 楷体.
FONT_TABLE = (
    # (name, altName or "", w:family, w:pitch)
    (FANGSONG, "仿宋", "modern", "fixed"),
    (KAITI, "楷体", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "script", "variable"),
    (HEITI, "SimHei", "modern", "fixed"),
    (SONGTI, "SimSun", "auto", "variable"),
)


# --------------------------------------------------------------------------------------------------
# Page setup
# --------------------------------------------------------------------------------------------------

A4_SHORT = 11906  # 210 mm in twips (Word's A4 value)
A4_LONG = 16838  # 297 mm

# Notice body: 22 lines on the 225 mm text block. 225 mm = 637.8 pt; 637.8 / 22 = 28.99 pt, rounded down
# to 579 twips = 28.95 pt so that 22 lines (12738 twips) fit the 12756-twip text block.
LINE_PITCH = 579

# Page numbers sit 7 mm below the text block (GB/T 9704 7.5); the footer distance is measured from the
# bottom edge of the paper to the bottom of the footer's one 4号 line.
PAGE_NUMBER_GAP = mm(7)


@dataclass(frozen=True)
class PageSetup:
    """One section's paper, margins and document grid (all twips)."""

    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int
    landscape: bool
    doc_grid: str  # the complete <w:docGrid …/> element

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def footer(self) -> int:
        """Footer distance: the page-number line's top edge lands PAGE_NUMBER_GAP below the text block."""
        return self.bottom - PAGE_NUMBER_GAP - pt(SIZE_4)


# Portrait A4, 天头 37 mm, 订口 (left) 28 mm; text block 156 × 225 mm, so bottom 35 mm and right 26 mm.
# Document grid "lines": 22 lines of 579 twips a page (what Word's page-setup dialog shows as 每页22行;
# the body styles use the same pitch as an exact line height). 28 characters a line come from
# BODY_CHAR_SPACING, not from a character grid: LibreOffice cannot draw a character grid narrower than
# the font (it gives each 16 pt character two 15.8 pt cells, 14 characters a line).
NOTICE_PAGE = PageSetup(
    width=A4_SHORT,
    height=A4_LONG,
    top=mm(37),
    bottom=mm(35),
    left=mm(28),
    right=mm(26),
    landscape=False,
    doc_grid=f'<w:docGrid {W} w:type="lines" w:linePitch="{LINE_PITCH}"/>',
)

# Landscape A4 (297 × 210 mm) for the checklists, with the same 225 × 156 mm text block turned on its
# side: the portrait 天头/地脚 pair (37/35 mm) goes to the left/right ends of the long side and the
# 订口/翻口 pair (28/26 mm) to the top/bottom. The tables use 10.5 pt text on exact 14 pt lines, so there is no
# line or character grid here (a grid would snap every table line to the grid pitch).
CHECKLIST_PAGE = PageSetup(
    width=A4_LONG,
    height=A4_SHORT,
    top=mm(28),
    bottom=mm(26),
    left=mm(37),
    right=mm(35),
    landscape=True,
    doc_grid=f'<w:docGrid {W} w:linePitch="312"/>',
)


# --------------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph or character style, written out completely (fonts, size, language, colour) so that
    each style stands on its own when an office edits another one in Word."""

    style_id: str  # ASCII id used in the XML; Word shows `name`
    name: str
    purpose: str  # why the style exists (kept here for readers; not written to the file)
    kind: str = "paragraph"  # or "character"
    east_asia: str = FANGSONG
    latin: str = LATIN
    size: float = SIZE_3
    bold: bool = False
    char_spacing: int = 0  # w:spacing in twentieths of a point (BODY_CHAR_SPACING for 3号 text)
    # paragraph properties (ignored for character styles)
    align: str = "both"  # w:jc: both = justified, center, right, left
    first_line_chars: int = 200  # first-line indent in hundredths of a character (200 = two)
    left_chars: int = 0
    right_chars: int = 0
    exact_line: int | None = LINE_PITCH  # exact line height in twips; None = single spacing
    before: int = 0  # space before, twips
    after: int = 0  # space after, twips
    keep_next: bool = False  # keep with the next paragraph (headings)
    page_break_before: bool = False  # start on a new page
    widow_control: bool = False  # at least two lines of the paragraph on a page (w:widowControl)
    color: str = BLACK  # text colour (RGB hex)
    bottom_rule: str = ""  # a <w:bottom …/> paragraph border (the 版头's red rule)
    snap_to_grid: bool = True  # False: ignore the document grid (bigger or smaller text than 3号)
    outline_level: int | None = None  # 0 = level 1 in Word's navigation pane
    tabs: tuple[tuple[str, int], ...] = ()  # (alignment, position in twips)


BODY = "GwBody"
TITLE = "GwTitle"
HEADING_1 = "GwHeading1"
HEADING_2 = "GwHeading2"
HEADING_3 = "GwHeading3"
HEADING_4 = "GwHeading4"
RUN_IN_KAI = "GwRunInKai"
RUN_IN_HEI = "GwRunInHei"
RUN_IN_BOLD = "GwRunInBold"
SIGNATURE = "GwSignature"
CLOSING = "GwClosing"
DATE = "GwDate"
RECORD = "GwRecord"
TINY = "GwTiny"
PAGE_NUMBER = "GwPageNumber"
TABLE_TITLE = "TableTitle"
TABLE_ISSUER = "TableIssuer"
TABLE_HEADER = "TableHeader"
TABLE_NOTE = "TableNote"
TABLE_BODY = "TableBody"
TABLE_BODY_CENTER = "TableBodyCenter"
TABLE_ATTACHMENT = "TableAttachment"
HEADER_SPACE = "GwHeaderSpace"
ISSUER_MARK = "GwIssuerMark"
DOC_NUMBER = "GwDocNumber"
TABLE_PAGE_BREAK = "TablePageBreak"
CHECKLIST_TABLE = "ChecklistTable"
RECORD_TABLE = "RecordTable"

STYLES: tuple[StyleSpec, ...] = (
    StyleSpec(
        BODY,
        "公文正文",
        "body paragraphs: 3号仿宋, two-character first-line indent, 28.95 pt lines, 28 characters a line",
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADER_SPACE,
        "版头上空",
        "版头 (optional): an empty paragraph 35 mm high above the 发文机关标志 (GB/T 9704 7.2.3)",
        size=1,
        align="left",
        first_line_chars=0,
        exact_line=HEADER_TOP,
        snap_to_grid=False,
    ),
    StyleSpec(
        ISSUER_MARK,
        "发文机关标志",
        "版头: the issuing organ's mark, 小初小标宋 in red, centred",
        east_asia=XIAOBIAOSONG,
        size=SIZE_XIAOCHU,
        color=RED,
        align="center",
        first_line_chars=0,
        exact_line=pt(SIZE_XIAOCHU + 6),
        snap_to_grid=False,
        keep_next=True,
    ),
    StyleSpec(
        DOC_NUMBER,
        "发文字号",
        "版头: the 发文字号 (东工党〔2024〕12号), 3号仿宋 centred, two lines under the mark; its bottom "
        "border is the red rule, 4 mm below it and as wide as the text block",
        align="center",
        first_line_chars=0,
        keep_next=True,
        bottom_rule=f'<w:bottom w:val="single" w:sz="12" w:space="{RULE_GAP_PT}" w:color="{RED}"/>',
    ),
    StyleSpec(
        TITLE,
        "公文标题",
        "document title: 2号小标宋, centred, no indent, lines of one pitch; one blank line (one pitch) "
        "below it; long titles break with line breaks inside this one paragraph",
        east_asia=XIAOBIAOSONG,
        size=SIZE_2,
        align="center",
        first_line_chars=0,
        after=LINE_PITCH,
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        HEADING_1,
        "一级标题",
        "“一、” headings: 3号黑体, indented two characters like the body (practice)",
        east_asia=HEITI,
        keep_next=True,
        outline_level=0,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADING_2,
        "二级标题",
        "“（一）” headings on their own line: 3号楷体",
        east_asia=KAITI,
        keep_next=True,
        outline_level=1,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADING_3,
        "三级标题",
        "“1.” headings: 3号仿宋, bold (practice)",
        bold=True,
        keep_next=True,
        outline_level=2,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADING_4,
        "四级标题",
        "“（1）” headings on their own line: 3号仿宋",
        keep_next=True,
        outline_level=3,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RUN_IN_HEI,
        "段首标题黑体",
        "character style: a “一、…。” heading run in at the start of a body paragraph (黑体)",
        kind="character",
        east_asia=HEITI,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RUN_IN_KAI,
        "段首标题楷体",
        "character style: a “（一）…。” heading run in at the start of a body paragraph (楷体)",
        kind="character",
        east_asia=KAITI,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RUN_IN_BOLD,
        "段首标题加粗",
        "character style: a “一是…。” lead-in at the start of a body paragraph (仿宋, bold)",
        kind="character",
        bold=True,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        CLOSING,
        "结束语",
        "the last body paragraph (closing and contacts): 公文正文, kept with the signature below it, so "
        "the signature never stands alone on a page (FORMAT.md: when the body ends at the foot of a "
        "page, its last lines go over with the signature). Word moves the paragraph's last lines (two "
        "at least: widow control), LibreOffice the whole paragraph",
        char_spacing=BODY_CHAR_SPACING,
        keep_next=True,
        widow_control=True,
    ),
    StyleSpec(
        SIGNATURE,
        "落款",
        "issuing organ's signature without seal: right-aligned, two characters from the right; kept "
        "with the date (the blank line above the signature is a 落款 paragraph too)",
        align="right",
        first_line_chars=0,
        right_chars=200,
        char_spacing=BODY_CHAR_SPACING,
        keep_next=True,
    ),
    StyleSpec(
        DATE,
        "成文日期",
        "date on the line under the signature: right-aligned, two characters from the right; with the "
        "usual 10-character organ name the date (about 8 characters wide: half-width digits plus "
        "Word's spacing between Chinese and digits) starts about two characters right of the "
        "signature's first character (GB/T 9704 7.3.5.2)",
        align="right",
        first_line_chars=0,
        right_chars=200,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RECORD,
        "版记",
        "版记 lines (抄送, 印发机关 and 印发日期): 4号仿宋, one character in from each side, a right "
        "tab for the 印发日期 (the 抄送 paragraph adds a hanging indent, see _add_record)",
        size=SIZE_4,
        align="left",
        first_line_chars=0,
        left_chars=100,
        right_chars=100,
        exact_line=LINE_PITCH,
        snap_to_grid=False,
        tabs=(("right", NOTICE_PAGE.text_width - chars(100, SIZE_4)),),
    ),
    StyleSpec(
        TINY,
        "占位段落",
        "a 1 pt paragraph that carries a section break or ends a document after a table, so it never "
        "adds a visible line (or a page)",
        size=1,
        align="left",
        first_line_chars=0,
        exact_line=14,
        snap_to_grid=False,
    ),
    StyleSpec(
        PAGE_NUMBER,
        "页码",
        "footer page number “— 1 —”: 4号宋体 (half-width digits); the footers set the side",
        east_asia=SONGTI,
        latin=SONGTI,
        size=SIZE_4,
        align="center",
        first_line_chars=0,
        exact_line=None,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_TITLE,
        "表格标题",
        "checklist title: 小二小标宋, centred, 6 pt space below",
        east_asia=XIAOBIAOSONG,
        size=SIZE_XIAO2,
        align="center",
        first_line_chars=0,
        exact_line=None,
        after=pt(6),
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_ISSUER,
        "表格署名",
        "line under the checklist title: issuer flush left, date flush right (right tab), 4号仿宋",
        size=SIZE_4,
        align="left",
        first_line_chars=0,
        exact_line=None,
        after=pt(6),
        keep_next=True,
        snap_to_grid=False,
        tabs=(("right", CHECKLIST_PAGE.text_width),),
    ),
    StyleSpec(
        TABLE_NOTE,
        "表格说明",
        "a sentence above a checklist's table (the 督办清单's counts): 4号仿宋, two-character indent, 6 pt after",
        size=SIZE_4,
        align="left",
        exact_line=None,
        after=pt(6),
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_HEADER,
        "表头",
        "table header cells: 五号黑体, centred, the body's exact line height",
        east_asia=HEITI,
        size=TABLE_HEADER_SIZE,
        align="center",
        first_line_chars=0,
        exact_line=TABLE_LINE,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_BODY,
        "表格正文",
        "table body cells with running text: 五号仿宋, flush left (justifying narrow cells spreads "
        "the characters of lines that end before a punctuation mark), no indent, an exact line height "
        "(14 pt) so that Word and LibreOffice break pages alike (checklist_layout)",
        size=TABLE_BODY_SIZE,
        align="left",
        first_line_chars=0,
        exact_line=TABLE_LINE,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_BODY_CENTER,
        "表格正文居中",
        "short table cells (序号, status, names, deadlines): as 表格正文 but centred",
        size=TABLE_BODY_SIZE,
        align="center",
        first_line_chars=0,
        exact_line=TABLE_LINE,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_ATTACHMENT,
        "附件标注",
        "“附件1” above a checklist's title when the lists go out with the notice: 3号黑体, flush left",
        east_asia=HEITI,
        size=SIZE_3,
        align="left",
        first_line_chars=0,
        exact_line=None,
        snap_to_grid=False,
        keep_next=True,
    ),
    StyleSpec(
        TABLE_PAGE_BREAK,
        "清单换页",
        "the 1 pt paragraph between two pages' tables of a checklist: it starts a new page",
        size=1,
        align="left",
        first_line_chars=0,
        exact_line=14,
        snap_to_grid=False,
        page_break_before=True,
    ),
)


def _rpr_xml(spec: StyleSpec) -> str:
    """Run properties in schema order: rFonts, b, bCs, color, spacing, sz, szCs, lang."""
    size = round(spec.size * 2)
    bold = "<w:b/><w:bCs/>" if spec.bold else ""
    spacing = f'<w:spacing w:val="{spec.char_spacing}"/>' if spec.char_spacing else ""
    return (
        "<w:rPr>"
        f'<w:rFonts w:ascii="{spec.latin}" w:hAnsi="{spec.latin}" w:eastAsia="{spec.east_asia}" '
        f'w:cs="{spec.latin}"/>'
        f"{bold}"
        f'<w:color w:val="{spec.color}"/>{spacing}'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr>"
    )


def _ppr_xml(spec: StyleSpec) -> str:
    """Paragraph properties in schema order: keepNext, pageBreakBefore, widowControl, pBdr, tabs,
    snapToGrid, spacing, ind, jc, outlineLvl."""
    parts = []
    if spec.keep_next:
        parts.append("<w:keepNext/>")
    if spec.page_break_before:
        parts.append("<w:pageBreakBefore/>")
    # No widow/orphan control: a page always holds its 22 lines (practice for official documents);
    # the closing paragraph has it, so that two of its lines go with the signature.
    parts.append('<w:widowControl/>' if spec.widow_control else '<w:widowControl w:val="0"/>')
    if spec.bottom_rule:
        parts.append(f"<w:pBdr>{spec.bottom_rule}</w:pBdr>")
    if spec.tabs:
        tabs = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in spec.tabs)
        parts.append(f"<w:tabs>{tabs}</w:tabs>")
    if not spec.snap_to_grid:
        parts.append('<w:snapToGrid w:val="0"/>')
    if spec.exact_line is None:
        line = 'w:line="240" w:lineRule="auto"'  # single
    else:
        line = f'w:line="{spec.exact_line}" w:lineRule="exact"'
    parts.append(
        f'<w:spacing w:before="{spec.before}" w:beforeLines="0" w:after="{spec.after}" '
        f'w:afterLines="0" {line}/>'
    )
    parts.append(
        f'<w:ind w:leftChars="{spec.left_chars}" w:left="{chars(spec.left_chars, spec.size)}" '
        f'w:rightChars="{spec.right_chars}" w:right="{chars(spec.right_chars, spec.size)}" '
        f'w:firstLineChars="{spec.first_line_chars}" '
        f'w:firstLine="{chars(spec.first_line_chars, spec.size)}"/>'
    )
    parts.append(f'<w:jc w:val="{spec.align}"/>')
    if spec.outline_level is not None:
        parts.append(f'<w:outlineLvl w:val="{spec.outline_level}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def _style_xml(spec: StyleSpec) -> str:
    if spec.kind == "character":
        return (
            f'<w:style {W} w:type="character" w:customStyle="1" w:styleId="{spec.style_id}">'
            f'<w:name w:val="{spec.name}"/><w:basedOn w:val="DefaultParagraphFont"/>'
            f'<w:uiPriority w:val="1"/><w:qFormat/>'
            f"{_rpr_xml(spec)}</w:style>"
        )
    return (
        f'<w:style {W} w:type="paragraph" w:customStyle="1" w:styleId="{spec.style_id}">'
        f'<w:name w:val="{spec.name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f"{_ppr_xml(spec)}{_rpr_xml(spec)}</w:style>"
    )


def _table_style_xml(style_id: str, name: str, borders: str, cell_margins: str) -> str:
    """A table style: borders, cell padding, vertically centred cells. The checklist cells carry their
    own `w:vAlign` as well (see `_centre_vertically`)."""
    return (
        f'<w:style {W} w:type="table" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>{cell_margins}</w:tblCellMar></w:tblPr>"
        '<w:tcPr><w:vAlign w:val="center"/></w:tcPr>'
        "</w:style>"
    )


def _border(side: str, size: int | None) -> str:
    """One border; size in eighths of a point (8 = 1 pt ≈ 0.35 mm, 6 = 0.75 pt ≈ 0.25 mm, 4 = 0.5 pt)."""
    if size is None:
        return f'<w:{side} w:val="nil"/>'
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{BLACK}"/>'


# Checklist tables: 0.5 pt lines round every cell; 1.5 mm left/right cell padding (so the 11 mm 序号
# column still holds "序号" on one line), 0.5 mm top/bottom.
CHECKLIST_TABLE_XML = _table_style_xml(
    CHECKLIST_TABLE,
    "清单表格",
    "".join(_border(s, 4) for s in ("top", "left", "bottom", "right", "insideH", "insideV")),
    '<w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
    '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>',
)

# 版记 (GB/T 9704 8): full-width rules, the first and last 0.35 mm (1 pt), the ones between 0.25 mm
# (0.75 pt); no vertical lines. A table draws them the width of the text block whatever the paragraphs'
# indents, and its top/inside/bottom borders stay right when the 抄送 row is left out.
RECORD_TABLE_XML = _table_style_xml(
    RECORD_TABLE,
    "版记表格",
    _border("top", 8)
    + _border("left", None)
    + _border("bottom", 8)
    + _border("right", None)
    + _border("insideH", 6)
    + _border("insideV", None),
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>',
)

# Styles kept from python-docx's default template (Word's built-ins the package relies on); all others
# (coloured headings, list and table designs) are removed so the style list shows only what we use.
KEPT_BUILTIN_STYLES = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "Footer")


def _doc_defaults_xml() -> str:
    """Document defaults: 3号仿宋_GB2312 / Times New Roman, black, Chinese; no space around paragraphs."""
    base = StyleSpec("", "", "")
    return (
        f"<w:docDefaults {W}>"
        f"<w:rPrDefault>{_rpr_xml(base)}</w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>"
    )


def _install_styles(doc: DocxDocument) -> None:
    styles = doc.styles.element
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in KEPT_BUILTIN_STYLES:
            styles.remove(style)
    old_defaults = styles.find(qn("w:docDefaults"))
    old_defaults.addprevious(parse_xml(_doc_defaults_xml()))
    styles.remove(old_defaults)
    # Normal repeats the defaults' run properties: LibreOffice takes the document grid's character
    # pitch from Normal's own East Asian font size (not from the defaults), and Word shows them in the
    # style dialog. Drop the template's extras (rsid).
    normal = styles.xpath('w:style[@w:styleId="Normal"]')[0]
    for child in list(normal):
        if child.tag not in (qn("w:name"), qn("w:qFormat")):
            normal.remove(child)
    normal.append(parse_xml(_rpr_xml(StyleSpec("", "", "")).replace("<w:rPr>", f"<w:rPr {W}>", 1)))
    # Header/Footer: drop the template's 4680/9360 tab stops (Letter paper); footers use 页码.
    for style_id in ("Header", "Footer"):
        style = styles.xpath(f'w:style[@w:styleId="{style_id}"]')[0]
        for child in list(style):
            if child.tag in (qn("w:link"), qn("w:rsid"), qn("w:pPr")):
                style.remove(child)
    for spec in STYLES:
        styles.append(parse_xml(_style_xml(spec)))
    styles.append(parse_xml(CHECKLIST_TABLE_XML))
    styles.append(parse_xml(RECORD_TABLE_XML))


# --------------------------------------------------------------------------------------------------
# Package-level clean-up and settings
# --------------------------------------------------------------------------------------------------


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _prune_package(doc: DocxDocument) -> None:
    """Drop parts of python-docx's default template that a template does not need: the thumbnail (a
    picture of an empty Letter page), stylesWithEffects (a Word 2010 copy of the old styles), the
    numbering definitions and the customXml bibliography store."""
    package = doc.part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rId]
    unwanted = (STYLES_WITH_EFFECTS, RT.NUMBERING, RT.CUSTOM_XML)
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype in unwanted:
            del doc.part.rels[rId]


def _configure_settings(doc: DocxDocument) -> None:
    settings = doc.settings
    # Different odd and even footers (page numbers outside: odd right, even left).
    settings.odd_and_even_pages_header_footer = True
    element = settings.element
    # East Asian theme language: Chinese (the default template says ja-JP).
    for lang in element.findall(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    # Lay out like Word 2013+ (compatibility mode 15): table borders align with the text block.
    for setting in element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    # The rsid list of the default template means nothing for our files, and no preview picture is
    # kept (_prune_package drops the thumbnail).
    for child in element.findall(qn("w:rsids")) + element.findall(qn("w:savePreviewPicture")):
        element.remove(child)


def _configure_font_table(doc: DocxDocument) -> None:
    """Add the Chinese fonts to word/fontTable.xml with substitutes (see FONT_TABLE)."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, alt, family, pitch in FONT_TABLE:
        alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
        root.append(
            etree.fromstring(
                f'<w:font {W} w:name="{name}">{alt_xml}<w:charset w:val="86"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_core_properties(doc: DocxDocument, title: str) -> None:
    core = doc.core_properties
    core.title = title
    core.subject = ""
    core.author = TEMPLATE_AUTHOR
    core.last_modified_by = TEMPLATE_AUTHOR
    core.comments = "由 pipeline/template_builder.py 生成"
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = TEMPLATE_TIMESTAMP
    core.modified = TEMPLATE_TIMESTAMP
    core.last_printed = TEMPLATE_TIMESTAMP


# --------------------------------------------------------------------------------------------------
# Sections and footers
# --------------------------------------------------------------------------------------------------


def _setup_section(section: Section, page: PageSetup) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width = Twips(page.width)
    section.page_height = Twips(page.height)
    section.top_margin = Twips(page.top)
    section.bottom_margin = Twips(page.bottom)
    section.left_margin = Twips(page.left)
    section.right_margin = Twips(page.right)
    section.gutter = Twips(0)
    section.header_distance = Twips(mm(15))  # no headers are used
    section.footer_distance = Twips(page.footer)
    sect_pr = section._sectPr
    old_grid = sect_pr.find(qn("w:docGrid"))
    old_grid.addprevious(parse_xml(page.doc_grid))
    sect_pr.remove(old_grid)
    cols = sect_pr.find(qn("w:cols"))
    if cols is not None:
        cols.set(qn("w:space"), "425")
    _add_footers(section)


# "— 1 —": U+2014 EM DASH, one space each side, the number a real PAGE field (updated by Word/LibreOffice).
PAGE_FIELD_RUNS = (
    '<w:r><w:t xml:space="preserve">\u2014 </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t xml:space="preserve"> \u2014</w:t></w:r>'
)


def _page_number_paragraph(odd: bool) -> str:
    """Odd pages: right-aligned, one character (14 pt) in from the right; even pages: left, one in."""
    one_char = chars(100, SIZE_4)
    if odd:
        ind = f'<w:ind w:leftChars="0" w:left="0" w:rightChars="100" w:right="{one_char}"/>'
        jc = '<w:jc w:val="right"/>'
    else:
        ind = f'<w:ind w:leftChars="100" w:left="{one_char}" w:rightChars="0" w:right="0"/>'
        jc = '<w:jc w:val="left"/>'
    return (
        f'<w:p {W}><w:pPr><w:pStyle w:val="{PAGE_NUMBER}"/>{ind}{jc}</w:pPr>'
        f"{PAGE_FIELD_RUNS}</w:p>"
    )


def _add_footers(section: Section, record: bool = False) -> None:
    """Give `section` its own odd (default) and even footers holding the page number; with `record`,
    the 版记 goes above the page number (see _build_notice)."""
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        body = footer._element
        for child in list(body):
            body.remove(child)
        if record:
            _add_record(footer)
        body.append(parse_xml(_page_number_paragraph(odd)))


# --------------------------------------------------------------------------------------------------
# Paragraph helpers
# --------------------------------------------------------------------------------------------------


def _style_name(style_id: str) -> str:
    """The (Chinese) name of one of our styles: python-docx looks styles up by name."""
    return next(spec.name for spec in STYLES if spec.style_id == style_id)


def _paragraph(doc: DocxDocument, style_id: str, *runs: str | tuple[str, str]) -> Paragraph:
    """Add a paragraph in `style_id`; each run is text or (text, character style id)."""
    paragraph = doc.add_paragraph(style=_style_name(style_id))
    for run in runs:
        text, char_style = (run, None) if isinstance(run, str) else run
        added = paragraph.add_run(text)
        if char_style:
            added.style = _style_name(char_style)
    return paragraph


def _tag(doc: DocxDocument, tag: str) -> Paragraph:
    """A docxtpl paragraph tag (`{%p … %}`): the whole paragraph is replaced by the Jinja statement."""
    return _paragraph(doc, BODY, tag)


def _new_document(page: PageSetup, title: str) -> DocxDocument:
    doc = Document()
    _prune_package(doc)
    _install_styles(doc)
    _configure_settings(doc)
    _configure_font_table(doc)
    _set_core_properties(doc, title)
    _setup_section(doc.sections[0], page)
    return doc


def _save(doc: DocxDocument, path: Path) -> Path:
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(normalize_zip(buffer.getvalue()))
    return path


# --------------------------------------------------------------------------------------------------
# 通报 (the notice)
# --------------------------------------------------------------------------------------------------


# The longest closing kept whole with the signature: 16 lines of 28 characters, so that it, the blank
# line, the signature and the date (19 lines) fit on a 22-line page with a few lines to spare.
CLOSING_KEPT_CHARS = 16 * 28


def _build_notice(path: Path) -> Path:
    """Write the notice template.

    Context: see pipeline.context.NOTICE_VARIABLES (the template variable contract). This template
    uses red_header, issuer_mark, doc_number (the optional 版头), title (may hold "\\n" line breaks),
    blocks, signature, date, cc, printer, printed.
    """
    doc = _new_document(NOTICE_PAGE, "巡察整改进展情况通报（模板）")

    # 版头 (optional, red_header): the mark 35 mm below the top of the text block, a blank line, the
    # 发文字号 with the red rule under it, two blank lines, then the title (GB/T 9704 7.2, 7.3.1).
    _tag(doc, "{%p if red_header %}")
    _paragraph(doc, HEADER_SPACE)
    _paragraph(doc, ISSUER_MARK, "{{ issuer_mark }}")
    _paragraph(doc, BODY)
    _paragraph(doc, DOC_NUMBER, "{{ doc_number }}")
    _paragraph(doc, BODY)
    _paragraph(doc, BODY)
    _tag(doc, "{%p endif %}")
    _paragraph(doc, TITLE, "{{ title }}")

    # The body, opening to closing, as blocks (pipeline.outline): one paragraph per block, in the style
    # its kind and numbering level call for. Headings on their own line: h1 "一、" 黑体, h2 "（一）" 楷体,
    # h3 "1." 仿宋 bold, h4 "（1）" 仿宋, line "一是…。" 仿宋. Body paragraphs may open with a run-in
    # heading ("（一）…。" 楷体, "一是…。"/"1.…。" bold, "一、…。" 黑体).
    _tag(doc, "{%p for b in blocks %}")
    # The closing (the last block) is kept with the signature, unless it is too long to go over with it
    # whole (LibreOffice moves a kept paragraph whole; it and the signature block must fit on one page).
    _tag(doc, "{%p if loop.last and b.section == 'closing' and b.kind == 'paragraph' and not b.lead"
              f" and b.text|length <= {CLOSING_KEPT_CHARS} %}}")
    _paragraph(doc, CLOSING, "{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h1' %}")
    _paragraph(doc, HEADING_1, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h2' %}")
    _paragraph(doc, HEADING_2, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h3' %}")
    _paragraph(doc, HEADING_3, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h4' %}")
    _paragraph(doc, HEADING_4, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' %}")
    _paragraph(doc, BODY, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.lead and b.lead_style == 'kai' %}")
    _paragraph(doc, BODY, ("{{ b.lead_label }}{{ b.lead }}", RUN_IN_KAI), "{{ b.text }}")
    _tag(doc, "{%p elif b.lead and b.lead_style == 'hei' %}")
    _paragraph(doc, BODY, ("{{ b.lead_label }}{{ b.lead }}", RUN_IN_HEI), "{{ b.text }}")
    _tag(doc, "{%p elif b.lead and b.lead_style == 'bold' %}")
    _paragraph(doc, BODY, ("{{ b.lead_label }}{{ b.lead }}", RUN_IN_BOLD), "{{ b.text }}")
    _tag(doc, "{%p else %}")
    _paragraph(doc, BODY, "{{ b.lead_label }}{{ b.lead }}{{ b.text }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")

    # Signature one blank line below the body, date on the next line; the closing paragraph, the blank
    # line and the signature are each kept with the next, so the block never starts a page alone.
    _tag(doc, "{%p if signature or date %}")
    _paragraph(doc, SIGNATURE)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if signature %}")
    _paragraph(doc, SIGNATURE, "{{ signature }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if date %}")
    _paragraph(doc, DATE, "{{ date }}")
    _tag(doc, "{%p endif %}")

    # 版记 (抄送, 印发机关, 印发日期), only when there is a 抄送 or a 印发机关: a new last section, starting
    # on a new page, whose footers hold the 版记 above the page number — footers sit at the bottom of the
    # page in every word processor, so the 版记's last rule lands on the bottom edge of the text block
    # (GB/T 9704 8: the 版记 ends on the last line of the last page).
    #
    # Without a 版记 the break paragraph below is left out, and the document's final sectPr (the 版记
    # section's) governs the whole document: it has the same page setup, and its footers print the
    # 版记 only `{%p if cc or printer %}`, so they then show just the page number.
    _tag(doc, "{%p if cc or printer %}")
    section_break = _paragraph(doc, TINY)
    body_section = doc.sections[0]._sectPr
    section_break._p.set_sectPr(_clone(body_section))  # ends the body: page setup + page-number footers
    _paragraph(doc, TINY)  # the 版记 section's only content (a section needs a paragraph)
    _tag(doc, "{%p endif %}")

    final = doc.sections[-1]
    for reference in final._sectPr.findall(qn("w:footerReference")):
        final._sectPr.remove(reference)
    _add_footers(final, record=True)
    # The 版记 section starts on a new page.
    final._sectPr.find(qn("w:pgSz")).addprevious(parse_xml(f'<w:type {W} w:val="evenPage"/>'))
    return _save(doc, path)


def _clone(element):
    return parse_xml(etree.tostring(element))


def _add_record(footer) -> None:
    """The 版记 in a footer: a one-column table the width of the text block — row 1 抄送 (left out when
    cc is empty), row 2 印发机关 (left) and 印发日期 (right) — then a 7 mm gap down to the page number."""
    width = NOTICE_PAGE.text_width
    _footer_paragraph(footer, RECORD, "{%p if cc or printer %}")
    table = footer.add_table(rows=4, cols=1, width=Twips(width))
    _table_properties(table, RECORD_TABLE, width)
    _table_grid(table, (width,))
    rows = table.rows
    _set_cell(rows[0].cells[0], RECORD, "{%tr if cc %}")
    # `cc` ends with "。" (added here when it does not).
    cc = _set_cell(rows[1].cells[0], RECORD, "抄送：{{ cc }}{% if not cc.endswith('。') %}。{% endif %}")
    # 抄送 starts one character in and wraps under the first character after "抄送：" (left 1 + 3
    # characters, hanging 3); one character in from the right.
    cc._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:ind {W} w:leftChars="400" w:left="{chars(400, SIZE_4)}" w:rightChars="100" '
            f'w:right="{chars(100, SIZE_4)}" w:hangingChars="300" w:hanging="{chars(300, SIZE_4)}"/>'
        )
    )
    _set_cell(rows[2].cells[0], RECORD, "{%tr endif %}")
    printed = _set_cell(rows[3].cells[0], RECORD, "{{ printer }}")
    printed.add_run().add_tab()
    # `printed` is the 印发日期 line's text ("2024年12月20日印发"); a bare date gets "印发" added.
    printed.add_run("{{ printed }}{% if printed and not printed.endswith('印发') %}印发{% endif %}")
    for row in rows:
        _row_properties(row, cant_split=True)
    # The gap between the text block and the page number (PAGE_NUMBER_GAP), so the 版记's last rule is
    # the text block's bottom edge: an empty paragraph of exactly that height.
    gap = _footer_paragraph(footer, TINY, "")
    gap._p.get_or_add_pPr().append(
        parse_xml(f'<w:spacing {W} w:before="0" w:after="0" w:line="{PAGE_NUMBER_GAP}" w:lineRule="exact"/>')
    )
    _footer_paragraph(footer, RECORD, "{%p endif %}")


def _footer_paragraph(footer, style_id: str, text: str) -> Paragraph:
    paragraph = footer.add_paragraph(style=_style_name(style_id))
    if text:
        paragraph.add_run(text)
    return paragraph


# --------------------------------------------------------------------------------------------------
# Checklists (问题清单, 任务清单, 责任清单)
# --------------------------------------------------------------------------------------------------


def column_widths(columns: tuple[Column, ...], total: int) -> tuple[int, ...]:
    """Column widths in twips; the last column takes the rounding so they add up to `total` exactly."""
    widths = [mm(c.width_mm) for c in columns[:-1]]
    return (*widths, total - sum(widths))


def _build_checklist(checklist: Checklist, path: Path) -> Path:
    """Write one checklist template.

    Context: attachment ("附件1" or ""), title (may hold "\\n"), issuer, date, pages [{rows [{no,
    aspect, heading, item, item_text, problem_id, status, public, action, target, leader, department,
    partner, deadline, result, measure_status, and the group flags aspect_first, heading_first,
    item_first, leader_first, department_first}]}] (also all rows in one list: rows).

    One table a page (pipeline.checklist_layout cuts the rows into pages): Word and LibreOffice leave a
    merged cell empty on the page a group continues on, a new table starts the merged cells again
    with their labels. The tables are separated by a 1 pt paragraph that starts a new page; each
    table's header row still repeats should a page run over.
    """
    doc = _new_document(CHECKLIST_PAGE, checklist.title)
    _tag(doc, "{%p if attachment %}")
    _paragraph(doc, TABLE_ATTACHMENT, "{{ attachment }}")
    _tag(doc, "{%p endif %}")
    _paragraph(doc, TABLE_TITLE, "{{ title }}")
    _tag(doc, "{%p if issuer or date %}")
    issuer = _paragraph(doc, TABLE_ISSUER, "{{ issuer }}")
    issuer.add_run().add_tab()
    issuer.add_run("{{ date }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if note %}")
    _paragraph(doc, TABLE_NOTE, "{{ note }}")
    _tag(doc, "{%p endif %}")

    columns = checklist.columns
    # The columns fill the text block: their widths in mm add up to it (the last column only takes
    # the twips lost in rounding).
    total_mm = sum(c.width_mm for c in columns)
    if total_mm != CHECKLIST_WIDTH_MM or mm(CHECKLIST_WIDTH_MM) != CHECKLIST_PAGE.text_width:
        raise ValueError(f"{checklist.file_name}: column widths do not add up to the text block")
    widths = column_widths(columns, CHECKLIST_PAGE.text_width)
    _tag(doc, "{%p for page in pages %}")
    _tag(doc, "{%p if not loop.first %}")
    _paragraph(doc, TABLE_PAGE_BREAK)
    _tag(doc, "{%p endif %}")
    table = doc.add_table(rows=4, cols=len(columns))
    _table_properties(table, CHECKLIST_TABLE, CHECKLIST_PAGE.text_width)
    _table_grid(table, widths)
    _centre_vertically(table)
    header, loop_start, body, loop_end = table.rows

    for cell, column in zip(header.cells, columns):
        _set_cell(cell, TABLE_HEADER, column.header)
    # Repeat the header row at the top of every page; no row breaks across a page.
    _row_properties(header, cant_split=True, repeat_header=True)

    _set_cell(loop_start.cells[0], TABLE_BODY, "{%tr for r in page.rows %}")
    for cell, column in zip(body.cells, columns):
        merge = f"r.{column.merge}_first" if column.merge else None
        text = column.cell if merge is None else f"{{% vmerge {merge} %}}{column.cell}"
        _set_cell(cell, TABLE_BODY_CENTER if column.centred else TABLE_BODY, text)
    _row_properties(body, cant_split=True)
    _set_cell(loop_end.cells[0], TABLE_BODY, "{%tr endfor %}")
    _tag(doc, "{%p endfor %}")

    # A document cannot end with a table; this last paragraph is 1 pt high so it never adds a page.
    _paragraph(doc, TINY)
    return _save(doc, path)


# --------------------------------------------------------------------------------------------------
# Table helpers
# --------------------------------------------------------------------------------------------------


def _table_properties(table: Table, style_id: str, width: int) -> None:
    """tblPr in schema order: tblStyle, tblW, jc, tblInd, tblLayout, tblLook.
    Fixed layout: the column widths below are kept whatever the content."""
    tbl = table._tbl
    old = tbl.tblPr
    new = parse_xml(
        f"<w:tblPr {W}>"
        f'<w:tblStyle w:val="{style_id}"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:jc w:val="center"/>'
        '<w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        "</w:tblPr>"
    )
    old.addprevious(new)
    tbl.remove(old)


def _table_grid(table: Table, widths: tuple[int, ...]) -> None:
    """Grid columns and every cell's width (`w:tcW`, the first thing in a cell's tcPr)."""
    grid = table._tbl.tblGrid
    for grid_col, width in zip(grid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Twips(width)


def _centre_vertically(table: Table) -> None:
    """`<w:vAlign w:val="center"/>` on every cell, after its `w:tcW`: the header and the body, merged
    group cells included (render.py puts a merged cell's `w:vMerge` between the two, where the schema
    wants it). The cells are centred whatever table style they end up with (an office changing the
    style in Word, rows copied into another table, readers that skip a table style's cell properties).

    LibreOffice (7.4) still shows the text of a merged group that a page break cuts at the top of the
    group, and the cells of the last row above such a break at the top of the row: that is how it lays
    out cut groups, the same with or without these properties."""
    for row in table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _row_properties(row, cant_split: bool, repeat_header: bool = False) -> None:
    tr = row._tr
    tr_pr = tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(parse_xml(f"<w:cantSplit {W}/>"))
    if repeat_header:
        tr_pr.append(parse_xml(f"<w:tblHeader {W}/>"))


def _set_cell(cell, style_id: str, text: str) -> Paragraph:
    paragraph = cell.paragraphs[0]
    paragraph.style = _style_name(style_id)
    paragraph.add_run(text)
    return paragraph


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def build_templates(directory: Path) -> list[Path]:
    """Write the four templates into `directory` (created if needed); the same bytes on every run."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [_build_notice(directory / TEMPLATE_NAMES[0])]
    for checklist in CHECKLISTS:
        paths.append(_build_checklist(checklist, directory / checklist.file_name))
    return paths


def default_directory() -> Path:
    """The repository's `templates/` folder."""
    return Path(__file__).resolve().parent.parent / "templates"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else default_directory()
    paths = build_templates(directory)
    for path in paths:
        print(path)
    if directory.resolve() == default_directory().resolve():
        print(write_builtin_digests(paths))
    return 0


def write_builtin_digests(paths: list[Path]) -> Path:
    """Record the built-in templates' digests in pipeline/builtin.py (see there)."""
    import hashlib
    import re

    target = Path(__file__).with_name("builtin.py")
    lines = "".join(f'    "{p.name}": "{hashlib.sha256(p.read_bytes()).hexdigest()}",\n'
                    for p in sorted(paths, key=lambda p: p.name))
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"(BUILTIN_SHA256 = \{\n).*?(\n\})", lambda m: m.group(1) + lines.rstrip("\n") + m.group(2),
                             text, count=1, flags=re.DOTALL), encoding="utf-8")
    return target


if __name__ == "__main__":
    raise SystemExit(main())
