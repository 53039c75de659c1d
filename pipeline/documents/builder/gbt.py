"""GB/T 9704-2012 as numbers: units, faces, sizes, line pitch, page setups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from docx.oxml.ns import nsdecls

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.
from pipeline.documents.layout import CELL_LINE, CELL_SIZE

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
