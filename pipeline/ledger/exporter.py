"""`rectify export`: the ledger's statuses, progress and new measures written back into a copy of the
office's own layout, as recorded by `rectify import` (ledger.importrecord).

Only what the clerk changed since the import is written: each ledger value is compared with the value the
import wrote (kept in the hidden 导入记录 sheet); an unchanged one leaves the original cell as it was, so a
round trip with no edits reproduces every cell value. New measures become rows under their problem (the
problem's merged cells grow over them, styles copied from the row above); new problems are appended after
the last data row. An .xlsx source keeps its styles, merges, title and column widths; an .xls/.et/.ods
source is written as .xlsx with its values and merges (openpyxl cannot write those formats).
"""

from __future__ import annotations

import hashlib
import io
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from pipeline.errors import UsageError, WorkbookError
from pipeline.fsutil import write_new_file
from pipeline.invocation import command_name
from pipeline.ledger import schema
from pipeline.ledger.assemble import check_workbook
from pipeline.ledger.importrecord import RECORD_SHEET, read_record
from pipeline.ledger.reader import read_workbook
from pipeline.ledger.sniff import workbook_bytes
from pipeline.ledger.sources import read_bytes, read_source
from pipeline.ledger.synonyms import snapshot_value, status_of

MEASURE_FIELDS = ("action", "target", "leader", "department", "partner", "deadline", "result", "status")
GROUP_FIELDS = ("unit", "aspect", "problem", "detail")


@dataclass
class ExportResult:
    output: Path
    source: Path
    changed: list[str] = field(default_factory=list)  # one line per cell written
    added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _ledger_values(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any]]:
    """(problems by id, measures by id) as raw values, and the import record; refuses a ledger with errors."""
    data = workbook_bytes(path)
    raw = read_workbook(path, data)
    check = check_workbook(raw)
    # Only errors in what is written back stop an export (基本信息 is the notice's, not the 巡察办's form).
    errors = [f for f in check.errors if f.sheet in (schema.PROBLEMS.name, schema.MEASURES.name)]
    if errors:
        first = "；".join(f"{f.location} {f.message}" for f in errors[:3])
        raise WorkbookError(
            f"“{path.name}”的问题、措施表有 {len(errors)} 个错误，没有导出（{first}）。"
            f"请先运行 {command_name()} check {path.name}，改正后再导出。"
        )
    wb = load_workbook(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
    record = read_record(wb)
    if record is None:
        raise WorkbookError(
            f"“{path.name}”不是用 rectify import 导入的台账（没有“{RECORD_SHEET}”记录），"
            f"不知道原台账的格式，无法导出。请对巡察办的原台账运行 {command_name()} import，在导入得到的台账上更新后再导出。"
        )

    def table(key: str) -> dict[str, dict[str, Any]]:
        t = raw.tables.get(key)
        out: dict[str, dict[str, Any]] = {}
        for row in t.rows if t else []:
            values = {k: c.value for k, c in row.cells.items()}
            out[snapshot_value(values.get("id"))] = values
        return out

    return table("problems"), table("measures"), record


def _find_source(ledger: Path, record: dict[str, Any], given: Path | None) -> Path:
    path = Path(given) if given is not None else ledger.parent / record["source"]
    if not path.is_file():
        raise UsageError(
            f"找不到原台账“{path}”。导出要把状态写回原台账的格式：请把导入时的原台账“{record['source']}”"
            "放在本台账旁边，或用 --source 指定它。"
        )
    digest = hashlib.sha256(read_bytes(path)).hexdigest()
    if digest != record["sha256"]:
        raise UsageError(
            f"“{path.name}”与导入时的原台账不同（导入后被修改或换成了别的文件）。导出必须用导入时的那个文件，"
            "才能把每一行写回原处。请找回它，或对新的原台账重新导入。"
        )
    return path


def _open_copy(source_path: Path, record: dict[str, Any]) -> tuple[Workbook, Any]:
    if record["format"] == "xlsx":
        wb = load_workbook(io.BytesIO(read_bytes(source_path)), keep_links=False)
        return wb, wb[record["sheet"]]
    src = read_source(source_path)
    wb = Workbook()
    wb.remove(wb.active)
    for s in src.sheets:
        ws = wb.create_sheet(s.name[:31])
        for (r, c), v in s.cells.items():
            ws.cell(row=r, column=c, value=v)
        for r0, c0, r1, c1 in s.merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    return wb, wb[record["sheet"][:31]]


def _anchor_of(ws: Any, row: int, col: int) -> tuple[int, int, int]:
    """(row, col, last row) of the merged range covering the cell, or the cell itself."""
    for m in ws.merged_cells.ranges:
        if m.min_row <= row <= m.max_row and m.min_col <= col <= m.max_col:
            return m.min_row, m.min_col, m.max_row
    return row, col, row


def _write(ws: Any, row: int, col: int, value: Any) -> str:
    r, c, _ = _anchor_of(ws, row, col)
    ws.cell(row=r, column=c).value = value
    return ws.cell(row=r, column=c).coordinate


def _closed_words(ws: Any, col: int, rows: list[int]) -> tuple[str, str]:
    """The 是否销号 column's own words for done / not done (是/否 unless the office writes 已销号/未销号)."""
    seen = {snapshot_value(ws.cell(row=r, column=col).value) for r in rows}
    if seen & {"已销号", "未销号", "暂未销号"}:
        return "已销号", "未销号"
    if seen & {"已办结", "未办结"}:
        return "已办结", "未办结"
    return "是", "否"


def _insert_after(ws: Any, after: int, grow: set[int], first: int) -> int:
    """Insert a row below `after` (styles copied from it); merged ranges in the columns `grow` that end at
    `after` and start at or below `first` grow over it. Returns the new row's number."""
    ranges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    heights = {i: d.height for i, d in list(ws.row_dimensions.items()) if d.height is not None}
    ws.insert_rows(after + 1)
    for i in sorted(heights, reverse=True):
        if i > after:
            ws.row_dimensions[i + 1].height = heights[i]
            ws.row_dimensions[i].height = None
    new = after + 1
    for c in range(1, ws.max_column + 1):
        ws.cell(row=new, column=c)._style = copy(ws.cell(row=after, column=c)._style)
    for r0, c0, r1, c1 in ranges:
        if r0 > after:
            r0, r1 = r0 + 1, r1 + 1
        elif r1 > after or (r1 == after and r0 >= first and c0 == c1 and c0 in grow):
            r1 += 1
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    return new


def export_ledger(ledger: Path, output: Path | None = None, source: Path | None = None) -> ExportResult:
    """Write the ledger's updates into a copy of the original layout (never the original itself)."""
    ledger = Path(ledger)
    problems, measures, record = _ledger_values(ledger)
    source_path = _find_source(ledger, record, source)
    if output is None:
        output = ledger.with_name(f"{Path(record['source']).stem}-回报.xlsx")
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"“{output.name}”的扩展名应为 .xlsx。")
    if output.resolve() in (source_path.resolve(), ledger.resolve()):
        raise UsageError("导出文件不能覆盖原台账或本台账。请换一个文件名。")
    wb, ws = _open_copy(source_path, record)
    cols: dict[str, int] = {k: int(v) for k, v in record["columns"].items()}
    result = ExportResult(output=output, source=source_path)
    if record["format"] != "xlsx":
        result.notes.append(
            f"原台账是 {source_path.suffix} 格式，导出为 .xlsx（保留了内容和合并单元格，没有保留字体、边框等格式）。"
        )
    all_rows = [m["row"] for m in record["measures"].values()]
    done_word, open_word = _closed_words(ws, cols["closed"], all_rows) if "closed" in cols else ("是", "否")

    def status_cells(status: str, row: int, original_progress_is_status: bool) -> list[tuple[int, Any]]:
        if "status" in cols:
            return [(cols["status"], status)]
        if "closed" in cols:
            return [(cols["closed"], done_word if status == schema.STATUS_DONE else open_word)]
        if "progress" in cols and original_progress_is_status:
            return [(cols["progress"], status)]
        result.notes.append(f"原台账没有状态列，第{row}行的状态“{status}”没有写回。")
        return []

    field_col = {
        "action": "measure",
        "target": "target",
        "leader": "leader",
        "department": "department",
        "partner": "partner",
        "deadline": "deadline",
        "result": "progress",
    }
    # 1. Changed values of imported measures and problems, at their original rows.
    for mid, rec in record["measures"].items():
        row, snap = rec["row"], rec["snapshot"]
        now = measures.get(mid)
        if now is None:
            result.notes.append(f"措施 {mid}（原第{row}行）已从台账中删除；回报表中保留原行，请确认是否应删除。")
            continue
        progress_is_status = (
            bool(snap.get("result"))
            and status_of(snap["result"]) is not None
            and "status" not in cols
            and "closed" not in cols
        )
        for key in MEASURE_FIELDS:
            cur = snapshot_value(now.get(key))
            if cur == snap.get(key, ""):
                continue
            if key == "status":
                targets = status_cells(cur, row, progress_is_status)
            elif field_col[key] in cols:
                value: Any = now.get(key)
                if key == "action":
                    value = rec.get("prefix", "") + cur
                targets = [(cols[field_col[key]], value)]
            else:
                result.notes.append(
                    f"措施 {mid} 的〔{schema.MEASURES.column(key).header}〕改了，但原台账没有对应的列，没有写回。"
                )
                continue
            for col, value in targets:
                if key == "result" and progress_is_status:
                    continue
                _, _, last = _anchor_of(ws, row, col)
                if last > row and key != "status":
                    result.notes.append(
                        f"第{row}行的〔{ws.cell(row=record['header_rows'][0], column=col).value}〕"
                        "是几行合并的单元格，写入了合并后的格子。"
                    )
                coord = _write(ws, row, col, value)
                result.changed.append(f"{coord}：{schema.MEASURES.column(key).header} → {snapshot_value(value)[:30]}")
    for pid, rec in record["problems"].items():
        now = problems.get(pid)
        if now is None:
            result.notes.append(f"问题 {pid}（原第{rec['rows'][0]}行）已从台账中删除；回报表中保留原行。")
            continue
        cur = snapshot_value(now.get("progress"))
        if rec["progress_cell"] and cur != rec["snapshot"]["progress"]:
            coord = _write(ws, rec["progress_cell"][0], rec["progress_cell"][1], now.get("progress"))
            result.changed.append(f"{coord}：问题 {pid} 的整改进展")
    # 2. New measures, under their problem (bottom-up, so that recorded rows above stay where they are).
    new_rows: list[tuple[int, int, str, dict[str, Any]]] = []
    last_data = max([r for p in record["problems"].values() for r in p["rows"]], default=record["header_rows"][-1])
    for mid, values in measures.items():
        if mid in record["measures"]:
            continue
        pid = snapshot_value(values.get("problem_id"))
        if pid in record["problems"]:
            rows = record["problems"][pid]["rows"]
            new_rows.append((max(rows), rows[0], mid, values))
        else:
            new_rows.append((last_data, last_data + 1, mid, values))
    grow = {cols[k] for k in GROUP_FIELDS if k in cols}
    if "progress" in cols and any(p["progress_cell"] for p in record["problems"].values()):
        grow.add(cols["progress"])
    for after, first, mid, values in sorted(
        new_rows, key=lambda t: (t[0], int(t[2]) if t[2].isdigit() else 0), reverse=True
    ):
        row = _insert_after(ws, after, grow, first)
        pid = snapshot_value(values.get("problem_id"))
        if first > after:  # a new problem: its texts go into the group columns
            p = problems.get(pid, {})
            for key, col_key in (("heading", "problem"), ("item", "detail"), ("aspect", "aspect")):
                if col_key in cols and p.get(key):
                    ws.cell(row=row, column=cols[col_key]).value = p.get(key)
        else:
            for key in GROUP_FIELDS:  # a repeated (unmerged) problem text is repeated on the new row
                c = cols.get(key)
                if c is not None and _anchor_of(ws, row, c)[:2] == (row, c):
                    ws.cell(row=row, column=c).value = ws.cell(row=after, column=c).value
        for key in ("action", "target", "leader", "department", "partner", "deadline", "result"):
            if field_col[key] in cols and values.get(key) not in (None, ""):
                if _anchor_of(ws, row, cols[field_col[key]])[:2] == (row, cols[field_col[key]]):
                    ws.cell(row=row, column=cols[field_col[key]]).value = values.get(key)
        for col, value in status_cells(snapshot_value(values.get("status")), row, False):
            ws.cell(row=row, column=col).value = value
        for c in (cols.get("seq"),):
            if c is not None and _anchor_of(ws, row, c)[:2] == (row, c):
                ws.cell(row=row, column=c).value = None
        result.added.append(f"第{row}行：新增措施 {mid}（问题 {pid}）" + ("，新问题加在表末" if first > after else ""))
    if result.added and "seq" in cols:
        result.notes.append("新增行的序号没有填写（原表的序号由办公室编排），请按原表的规则补上。")
    write_new_file(output, wb.save)
    return result
