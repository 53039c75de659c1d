"""A copy of a ledger with every finding as a comment on its cell, the cell filled: the clerk opens it
in Excel or WPS and sees where to fix. The clerk's own file is never opened for writing; the copy is
written to a temporary file and moved into place."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Iterable

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from pipeline.errors import WorkbookError

ERROR_FILL = "FFC7CE"  # Excel's own "bad" red
WARNING_FILL = "FFEB9C"  # Excel's own "neutral" yellow
LEVEL_WORDS = {"error": "错误", "warning": "警告"}
_CELL_RE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)")
COMMENT_AUTHOR = "rectify 检查"


def anchor(cell: str) -> str:
    """The cell a finding's comment goes on: its first cell, or A1 for a finding about a whole sheet."""
    m = _CELL_RE.match(cell or "")
    if m:
        return f"{m.group(1)}{m.group(2)}"
    m = re.match(r"^\$?([A-Z]{1,3})$", cell or "")
    return f"{m.group(1)}1" if m else "A1"


def marked_copy(source: Path, findings: Iterable[object], target: Path) -> int:
    """Write to `target` a copy of `source` with each finding (level, sheet, cell, message) as a comment
    and a fill on its cell; return how many cells were marked. Findings on sheets the workbook lacks
    (a missing sheet) are put on the first sheet's A1."""
    keep_vba = source.suffix.lower() == ".xlsm"
    try:
        wb = load_workbook(source, keep_vba=keep_vba, rich_text=False)
    except Exception as err:  # noqa: BLE001 - any reader failure is one message for the clerk
        raise WorkbookError(
            f"无法为“{source.name}”生成批注副本（{type(err).__name__}）。请按页面上列出的位置直接在原台账中修改。"
        ) from err
    by_cell: dict[tuple[str, str], list[object]] = {}
    for f in findings:
        sheet = getattr(f, "sheet", "")
        key = (sheet if sheet in wb.sheetnames else wb.sheetnames[0], anchor(getattr(f, "cell", "")))
        by_cell.setdefault(key, []).append(f)
    for (sheet, cell), items in by_cell.items():
        ws = wb[sheet]
        worst = "error" if any(getattr(f, "level", "") == "error" for f in items) else "warning"
        lines = []
        for f in items:
            where = "" if getattr(f, "sheet", "") == sheet else f"（{getattr(f, 'sheet', '')}）"
            lines.append(f"【{LEVEL_WORDS.get(getattr(f, 'level', ''), '')}】{where}{getattr(f, 'message', '')}")
        text = "\n".join(lines)
        comment = Comment(text, COMMENT_AUTHOR)
        comment.width = 360
        comment.height = min(600, 40 + 18 * (len(text) // 22 + len(lines)))
        target_cell = ws[cell]
        target_cell.comment = comment
        target_cell.fill = PatternFill("solid", fgColor=ERROR_FILL if worst == "error" else WARNING_FILL)
    fd, tmp = tempfile.mkstemp(prefix=".rectify-", suffix=source.suffix, dir=str(target.parent))
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(by_cell)
