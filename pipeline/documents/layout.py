"""The checklists' columns, groups and names, and how their rows fall on pages.

Word and LibreOffice do not repeat the text of a vertically merged cell when a page break cuts its
group: the rows on the next page show empty 问题 / 具体问题 cells. So the pages are laid out here, from
the same column widths, font size and line height the templates use (template_builder imports them
from this module): each page is a table of its own, and every group that continues on a new page
starts a new merged cell there, showing its label again.

The estimate is deliberately on the safe side (a page is filled to PAGE_FILL of its height, lines are
counted as a line breaker would break them, with a character's worth to spare): a page that ends a
little early costs some white space; a page whose table overflows would repeat today's empty cells.
An office that widens or narrows columns in Word changes the true layout, not this estimate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

# --------------------------------------------------------------------------------------------------
# Units and the page
# --------------------------------------------------------------------------------------------------

PT_PER_MM = 72 / 25.4

CELL_SIZE = 10.5  # 五号: header and body cells (pt)
# Exact line height of the cells (pt), 4/3 of the font size: the same in Word (仿宋_GB2312: single
# spacing would be about 12 pt) and LibreOffice (Noto Serif CJK: single would be 15.2 pt), so both
# break pages alike.
CELL_LINE = 14.0
CELL_PADDING_TB = 28 / 20  # top and bottom cell margin (清单表格: 28 twips each)
CELL_PADDING_LR = 85 / 20  # left and right cell margin (85 twips each)
BORDER = 0.5  # the 0.5 pt rule between rows

# Landscape A4, text block 225 × 156 mm (template_builder.CHECKLIST_PAGE).
TEXT_HEIGHT = 156 * PT_PER_MM
# Share of the text height a page is filled to: what the estimate cannot know (a renderer's rounding,
# a font a little taller than expected) must not push the last row onto a page of its own.
PAGE_FILL = 0.97
# Above the table on the first page: the title (小二, 18 pt, up to 1.45 lines of height in LibreOffice's
# stand-in font, 6 pt after), the issuer line (4号, 14 pt, 6 pt after) and the optional 附件 label (3号).
TITLE_BLOCK = 18 * 1.45 + 6
ISSUER_BLOCK = 14 * 1.45 + 6
ATTACHMENT_BLOCK = 2 * 16 * 1.45  # the 附件N label and the empty line under it (the title on the third line)
# The 督办清单's sentence above its table (4号, up to two lines, 6 pt after).
NOTE_BLOCK = 2 * 14 * 1.45 + 6
# Between two pages' tables: the 1 pt paragraph that carries the page break.
SEPARATOR = 1.0

# Characters that may not start a line (they stay with the character before) and that may not end one.
NO_LINE_START = set("，。、；：？！）》」』”’…—·%")
NO_LINE_END = set("（《「『“‘")


# --------------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One checklist column: header text, width, the body cell's template text and the row key whose
    text it prints (for the layout estimate)."""

    header: str
    width_mm: float
    cell: str  # Jinja for the body cell, `r` is the row
    field: str  # the row key holding the printed text
    merge: str | None = None  # group level: `{% vmerge r.<merge>_first %}` restarts the merged cell
    centred: bool = False

    @property
    def text_width(self) -> float:
        """Room for text in a body cell, in points."""
        return self.width_mm * PT_PER_MM - 2 * CELL_PADDING_LR


# The group levels rows can be merged over: level → the row keys whose values make one group.
GROUP_KEYS = {
    "aspect": ("aspect",),
    "heading": ("aspect", "heading"),
    "item": ("aspect", "heading", "problem_id"),
    "leader": ("leader",),
    "department": ("leader", "department"),
    "unit": ("department",),
}


@dataclass(frozen=True)
class Checklist:
    """One checklist: file, the template's own title, columns, the group levels its rows merge over
    (outermost first, see GROUP_KEYS), its name in titles and its number as an attachment of the notice
    (0: never an attachment)."""

    file_name: str
    title: str  # the template's document title (core property)
    columns: tuple[Column, ...]
    levels: tuple[str, ...]
    per_measure: bool
    name: str = ""  # in the document's title: 问题清单, 任务清单 …
    attachment: int = 0
    by_owner: bool = False  # rows ordered by 责任领导, then 责任部室（单位）, each as it first appears
    optional: bool = False  # offices' template folders made before it existed lack it

    @property
    def groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The group levels with the row keys that make one group of each."""
        return tuple((level, GROUP_KEYS[level]) for level in self.levels)

    def column(self, header: str) -> Column:
        """The column with this header."""
        return next(c for c in self.columns if c.header == header)


NUMBER = Column("序号", 11, "{{ r.no }}", "no", centred=True)
# A whole date on one line: "2024年12月31日" is 7 em plus the automatic quarter em Word and LibreOffice
# put between Chinese and digits five times (8.25 em, 86.6 pt) plus the cell padding (8.5 pt): 34 mm.
# The measure's 序号 in the 任务清单, in the checklists that order measures otherwise (责任清单, 督办清单).
TASK_NUMBER = Column("任务号", 15, "{{ r.task_no }}", "task_no", centred=True)
DEADLINE = Column("完成时限", 34, "{{ r.deadline }}", "deadline", centred=True)

# Widths (mm) add up to the 225 mm text block (CHECKLIST_WIDTH_MM). At 五号 (10.5 pt = 3.70 mm a
# character) with 1.5 mm cell padding a column holds (width − 3) / 3.70 characters a line; digits are
# half as wide. Balanced on the example ledger (input/示例台账.xlsx: 29 specific problems, 72 measures):
# - running text (measures, targets, results) gets the width;
# - grouping columns are narrower: they are merged over their rows and rarely make a group taller;
# - fixed-form columns are as wide as their values: a whole date (30 mm), a status (取得阶段性成效
#   breaks as 取得 / 阶段性成效, see context.wrap_name; 22 mm), a date (34 mm), a leader (党组书记、主席, 30 mm),
#   a department (劳动和经济工作部, 33 mm).
CHECKLIST_WIDTH_MM = 225
CHECKLISTS = (
    Checklist(
        "问题清单.docx",
        "巡察反馈问题清单（模板）",
        (
            NUMBER,
            Column("方面", 46, "{{ r.aspect }}", "aspect", merge="aspect"),  # 11 characters a line
            Column("问题", 64, "{{ r.heading }}", "heading", merge="heading"),  # 16
            Column("具体问题", 73, "{{ r.item or r.heading }}", "item_text"),  # 18
            Column("整改状态", 31, "{{ r.status }}", "status", centred=True),  # 取得阶段性成效
        ),
        levels=("aspect", "heading"),
        per_measure=False,
        name="问题清单",
        attachment=1,
    ),
    Checklist(
        "任务清单.docx",
        "巡察反馈问题整改任务清单（模板）",
        (
            NUMBER,
            Column("问题", 24, "{{ r.heading }}", "heading", merge="heading"),  # 5 characters a line
            Column("具体问题", 26, "{{ r.item or r.heading }}", "item_text", merge="item"),  # 6
            Column("整改措施", 48, "{{ r.action }}", "action"),  # 12
            Column("整改目标", 26, "{{ r.target }}", "target"),  # 6
            DEADLINE,
            Column("完成情况", 34, "{{ r.result }}", "result"),  # 8
            Column("整改状态", 22, "{{ r.measure_status }}", "measure_status", centred=True),  # 5
        ),
        levels=("heading", "item"),
        per_measure=True,
        name="任务清单",
        attachment=2,
    ),
    Checklist(
        "责任清单.docx",
        "巡察反馈问题整改责任清单（模板）",
        (
            NUMBER,
            Column("责任领导", 30, "{{ r.leader }}", "leader", merge="leader", centred=True),  # 7
            Column("责任部室（单位）", 33, "{{ r.department }}", "department", merge="department", centred=True),  # 8
            TASK_NUMBER,
            Column("整改措施", 58, "{{ r.action }}", "action"),  # 14
            Column("配合单位", 22, "{{ r.partner }}", "partner", centred=True),  # 5
            DEADLINE,
            Column("整改状态", 22, "{{ r.measure_status }}", "measure_status", centred=True),
        ),
        levels=("leader", "department"),
        per_measure=True,
        name="责任清单",
        attachment=3,
        by_owner=True,
    ),
    Checklist(
        "督办清单.docx",
        "巡察整改督办清单（模板）",
        (
            NUMBER,
            Column("责任部室（单位）", 33, "{{ r.department }}", "department", merge="unit", centred=True),  # 8
            Column("责任领导", 30, "{{ r.leader }}", "leader", centred=True),  # 7
            TASK_NUMBER,
            Column("整改措施", 47, "{{ r.action }}", "action"),  # 11
            Column("具体问题", 33, "{{ r.item_text }}", "item_text"),  # 8
            DEADLINE,
            Column("督办情况", 22, "{{ r.state }}", "state", centred=True),  # 逾期120天
        ),
        levels=("unit",),
        per_measure=True,
        name="督办清单",  # for the leader, never an attachment of the notice
        optional=True,
    ),
)
CHECKLISTS_BY_NAME = {c.file_name: c for c in CHECKLISTS}


def chars_per_line(column: Column) -> int:
    """Whole Chinese characters a line of this column holds."""
    return int(column.text_width // CELL_SIZE)


# --------------------------------------------------------------------------------------------------
# Text measurement
# --------------------------------------------------------------------------------------------------


def line_count(text: str, width: float, size: float = CELL_SIZE, autospace: bool = True) -> int:
    """How many lines `text` takes in a cell `width` points wide (see _line_count; memoised, as the
    same names and statuses recur on every row)."""
    return _line_count(str(text), width, size, autospace)


# Widths are counted in twentieths of an em, so that sums are exact integers: a Chinese character 20,
# an ASCII capital 14, other ASCII 10, the automatic space between Chinese and digits/Latin 5.
_EM = 20
_AUTOSPACE = 5
# A run of ASCII letters and digits (one unbreakable token), one other ASCII character, or a run of
# other characters (each its own token, all one em wide: measured a run at a time, not a character).
_SEGMENT_RE = re.compile(r"[A-Za-z0-9]+|[\x00-\x7f]|[^\x00-\x7f]+")


def _units(token: str) -> int:
    if token.isascii():
        return sum(14 if c.isupper() else 10 for c in token)
    return _EM * len(token)


@lru_cache(maxsize=65536)
def _line_count(text: str, width: float, size: float, autospace: bool) -> int:
    """Breaks as Word and LibreOffice do for Chinese: between any two characters, never inside a run of
    digits or Latin letters, never before a closing mark or after an opening one. With `autospace`
    a quarter em is added between Chinese and digits/Latin (the renderers' automatic spacing).

    A run of Chinese characters is laid out a line at a time (how many more fit is one division),
    so a long cell costs its lines, not its characters."""
    total = 0
    limit = width * _EM  # a line holds `used` units while used * size <= limit
    gap_units = _AUTOSPACE if autospace else 0

    def fit(used: int) -> int:
        """How many more one-em characters fit on a line already holding `used` units."""
        j = max(int((limit / size - used) // _EM), 0)
        while j > 0 and (used + j * _EM) * size > limit:
            j -= 1
        while (used + (j + 1) * _EM) * size <= limit:
            j += 1
        return j

    for paragraph in text.split("\n"):
        lines, used, prev, prev_ascii = 1, 0, "", False
        for seg in _SEGMENT_RE.findall(paragraph):
            is_ascii = seg[0] < "\x80"
            first = seg if is_ascii else seg[0]
            # the segment's first token (the whole segment when ASCII), as any token
            w = _units(first)
            gap = gap_units if prev and prev_ascii != is_ascii else 0
            if used > 0 and (used + gap + w) * size > limit:
                lines += 1
                used = w
                # a closing mark may not start the line, nor an opening mark end the one before:
                # the token before goes down with it
                if first[0] in NO_LINE_START or prev[-1] in NO_LINE_END:
                    used += _units(prev)
            else:
                used += gap + w
            prev, prev_ascii = first, is_ascii
            if is_ascii or len(seg) == 1:
                continue
            # the rest of a run of one-em characters: fill the line, break, carry on
            i, n = 1, len(seg)
            while i < n:
                j = fit(used)
                if j >= n - i:
                    used += (n - i) * _EM
                    break
                i += j
                lines += 1
                used = _EM
                if seg[i] in NO_LINE_START or seg[i - 1] in NO_LINE_END:
                    used += _EM
                i += 1
            prev = seg[-1]
        total += lines
    return max(total, 1)


def cell_height(lines: int) -> float:
    """Height of a row (or merged cell) whose tallest text has `lines` lines, in points."""
    return lines * CELL_LINE + 2 * CELL_PADDING_TB + BORDER


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def header_height(checklist: Checklist) -> float:
    """The header row: the tallest header text (黑体, same size and line height as the body)."""
    return cell_height(max(line_count(c.header, c.text_width) for c in checklist.columns))


def _block_height(
    start: int,
    end: int,
    levels: Sequence[tuple[str, tuple[str, ...]]],
    keys_of: dict[str, list[tuple[Any, ...]]],
    own: list[float],
    label: dict[str, list[float]],
) -> float:
    """Height of rows[start:end] drawn as one table, groups merged: a merged cell is at least as tall
    as its label, and the rows under it at least as tall as their own text. Heights and group keys are
    computed once per row beforehand (a page is measured again for every row added to it)."""
    if not levels:
        return sum(own[start:end])
    (name, _), rest = levels[0], levels[1:]
    keys, labels = keys_of[name], label[name]
    height = 0.0
    first = start
    for i in range(start + 1, end + 1):
        if i == end or keys[i] != keys[first]:
            height += max(labels[first], _block_height(first, i, rest, keys_of, own, label))
            first = i
    return height


def paginate(
    checklist: Checklist, rows: list[dict[str, Any]], first_page_extra: float = 0.0
) -> list[list[dict[str, Any]]]:
    """Split `rows` into pages, as many rows a page as fit (rows never split). A group may continue on
    the next page: it shows its label again there (keeping whole groups together cost the example's
    任务清单 three more pages, for groups that read as well either way)."""
    if not rows:
        return [[]]
    merged = {c.merge: c for c in checklist.columns if c.merge}
    plain = [c for c in checklist.columns if not c.merge]
    levels = checklist.groups
    own = [cell_height(max(line_count(row[c.field], c.text_width) for c in plain)) for row in rows]
    label = {
        name: (
            [cell_height(line_count(row[merged[name].field], merged[name].text_width)) for row in rows]
            if name in merged
            else [0.0] * len(rows)
        )
        for name, _ in levels
    }
    keys_of = {name: [tuple(row[k] for k in keys) for row in rows] for name, keys in levels}
    full = TEXT_HEIGHT * PAGE_FILL - header_height(checklist) - SEPARATOR
    room = full - first_page_extra

    pages: list[list[dict[str, Any]]] = []
    start = 0
    for i in range(len(rows)):
        if i > start and _block_height(start, i + 1, levels, keys_of, own, label) > room:
            pages.append(rows[start:i])
            start, room = i, full
    pages.append(rows[start:])
    return pages


def first_page_extra(issuer_line: bool, attachment: bool, note: bool = False) -> float:
    """Height above the table on the first page."""
    return (
        TITLE_BLOCK
        + (ISSUER_BLOCK if issuer_line else 0.0)
        + (ATTACHMENT_BLOCK if attachment else 0.0)
        + (NOTE_BLOCK if note else 0.0)
    )
