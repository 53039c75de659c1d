"""`rectify import`: an office's one-sheet 整改台账, in the layout its 巡察办 prescribes, → this tool's ledger.

The source is read as a grid of values and merged ranges (ledger.sources). The import finds the header rows
below the title and 填报 lines, flattens stacked headers (责任主体 → 责任领导 / 责任部门 / 责任人), maps
columns by one synonym table (ledger.synonyms.FIELDS), reads 方面 from full-width section rows, makes one
问题 of a cell merged or repeated over its measure rows, generates 编号 and removes the office's 序号 from
the text, fills the 基本信息 it can find and writes the rest of the ledger through the blank workbook (same
dropdowns, formats and guide). Everything it did is a line of the mapping report: which column went where,
what was not used, every row it could not place and why, and the questions the clerk must answer. The
report is printed, written into the guide, and the mapping export needs is kept in a hidden sheet
(ledger.importrecord). The source file is never written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.errors import UsageError, WorkbookError
from pipeline.fsutil import write_new_file
from pipeline.invocation import command_name
from pipeline.ledger import schema
from pipeline.ledger.blank import blank_workbook
from pipeline.ledger.importrecord import RECORD_MARK, write_record
from pipeline.ledger.sources import Source, SourceSheet, read_source
from pipeline.ledger.synonyms import (
    FIELDS,
    clean_text,
    match_field,
    norm_header,
    snapshot_value,
    status_of,
    strip_number,
)
from pipeline.text.dates import parse_date_text

_FOOTER_RE = re.compile(r"^(?:填报人|审核人|制表人|联系人|负责人|分管领导签字|合计|总计|注[：:]|说明[：:]|备注[：:])")
_REPORTING_UNIT_RE = re.compile(
    r"(?:填报|报送)单位(?:（盖章）|\(盖章\))?\s*[:：]\s*(.+?)(?=\s{2,}|\s*(?:填报|截至|截止|时间|日期)|$)"
)
_AS_OF_RE = re.compile(
    r"(?:截至|截止)(?:时间|日期)?\s*[:：]?\s*([0-9０-９]{4}\s*[年.\-/]\s*[0-9０-９]{1,2}\s*[月.\-/]\s*[0-9０-９]{1,2}\s*日?)"
)
_GROUP_RE = re.compile(r"((?:中共中央|中央|[省市县区州盟旗]委)[^\s，、（）()“”关于对]{0,12}?巡[察视]组)")
_DEPLOYER_RE = re.compile(r"^(中共中央|中央|.*?[省市县区州盟旗]委)")
_ROUND_RE = re.compile(r"([^\s，、（）()“”关于对]*?第[一二三四五六七八九十\d]+轮巡[察视])")
HEADER_SCAN_ROWS = 20


@dataclass
class Line:
    """One line of the mapping report."""

    kind: str  # "列" "行" "信息" "问题" (a question for the clerk)
    text: str


@dataclass
class ImportedProblem:
    id: str
    unit: str
    aspect: str
    heading: str
    item: str
    rows: list[int] = field(default_factory=list)
    progress: str = ""
    progress_cell: tuple[int, int] | None = None  # one merged cell over the whole problem
    status: str = ""


@dataclass
class ImportedMeasure:
    id: str
    problem_id: str
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""  # the office's 序号 removed from the measure text


@dataclass
class ImportResult:
    """What an import made and said."""

    source: Path
    output: Path | None
    sheet: str
    lines: list[Line]
    problems: list[ImportedProblem]
    measures: list[ImportedMeasure]
    info: dict[str, Any]
    missing_info: list[str]
    record: dict[str, Any]

    @property
    def questions(self) -> list[str]:
        return [ln.text for ln in self.lines if ln.kind == "问题"]

    def report(self) -> list[str]:
        """The mapping report, as printed and as written into the guide."""
        out = [
            f"来源：{self.source.name}，工作表“{self.sheet}”；导入 {len(self.problems)} 个问题、{len(self.measures)} 条措施。"
        ]
        for kind in ("信息", "列", "行", "问题"):
            for ln in self.lines:
                if ln.kind == kind:
                    out.append(f"{'待确认' if kind == '问题' else kind}：{ln.text}")
        if self.missing_info:
            out.append("基本信息中还要填写：" + "、".join(self.missing_info) + "（已在“基本信息”表的说明列中标出）。")
        return out


# ---------------------------------------------------------------------------------------------
# Finding the table


@dataclass
class Layout:
    sheet: SourceSheet
    header_rows: list[int]
    columns: dict[str, int]  # field → column (1-based)
    names: dict[int, str]  # column → flattened header text
    unused: dict[int, str]  # columns with a header that maps to no field


def _row_texts(sheet: SourceSheet, row: int) -> list[tuple[int, str]]:
    return [
        (c, clean_text(sheet.value(row, c))) for c in range(1, sheet.max_col + 1) if clean_text(sheet.value(row, c))
    ]


def _header_score(sheet: SourceSheet, row: int) -> set[str]:
    found = {match_field(t) for _, t in _row_texts(sheet, row) if len(t) <= 30}
    found.discard(None)
    return found  # type: ignore[return-value]


def _continues_header(sheet: SourceSheet, block: list[int], row: int) -> bool:
    """True when `row` holds sub-headers under group headers merged across columns in the rows above."""
    own = [(c, t) for c, t in _row_texts(sheet, row) if (m := sheet.merge_at(row, c)) is None or m[0] == row]
    if not own or any(len(t) > 30 for _, t in own):
        return False
    for c, _ in own:
        above = [sheet.merge_at(r, c) for r in block]
        if not any(m is not None and m[3] > m[1] and m[0] in block for m in above):
            return False
    return True


def find_layout(sheet: SourceSheet) -> Layout | None:
    """The header rows and column map of a sheet, or None when it has no ledger header."""
    for h0 in range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1):
        fields = _header_score(sheet, h0)
        if len(fields) < 3 or not ({"measure", "problem", "detail"} & fields):
            continue
        block = [h0]
        while len(block) < 3 and _continues_header(sheet, block, block[-1] + 1):
            block.append(block[-1] + 1)
        columns: dict[str, int] = {}
        names: dict[int, str] = {}
        unused: dict[int, str] = {}
        for c in range(1, sheet.max_col + 1):
            path: list[str] = []
            for r in block:
                t = norm_header(sheet.value(r, c))
                if t and (not path or path[-1] != t):
                    path.append(t)
            if not path:
                continue
            names[c] = "/".join(path)
            key = match_field(path[-1]) or match_field("".join(path))
            if key is None or key in columns:
                unused[c] = names[c]
                continue
            columns[key] = c
        if "measure" in columns or "problem" in columns or "detail" in columns:
            return Layout(sheet, block, columns, names, unused)
    return None


# ---------------------------------------------------------------------------------------------
# Reading the rows


def _info_from_lines(texts: list[str]) -> tuple[dict[str, Any], list[Line]]:
    info: dict[str, Any] = {}
    lines: list[Line] = []
    for text in texts:
        flat = re.sub(r"\s+", " ", text)
        m = _REPORTING_UNIT_RE.search(flat)
        if m and m.group(1).strip(" ：:"):
            info["issuer"] = m.group(1).strip()
            lines.append(
                Line("信息", f"“填报单位”→ 基本信息〔发文机关〕“{info['issuer']}”，请核对（发文机关应为全称）。")
            )
        m = _AS_OF_RE.search(flat)
        if m:
            d = parse_date_text(m.group(1).replace(" ", ""))
            if d is not None:
                info["issued"] = d
                lines.append(
                    Line("信息", f"“截至{m.group(1)}”→ 基本信息〔成文日期〕{d:%Y-%m-%d}，请按通报实际成文日期核对。")
                )
        if "title_line" not in info and not m and "填报" not in flat:
            info["title_line"] = flat
            g = _GROUP_RE.search(flat)
            if g:
                info["group"] = g.group(1)
                deployer = _DEPLOYER_RE.match(info["group"])
                if deployer:
                    info["deployer"] = deployer.group(1).removeprefix("中共")
                info["kind"] = schema.XUNSHI if "巡视" in info["group"] else schema.XUNCHA
                lines.append(
                    Line(
                        "信息",
                        f"标题“{flat}”→ 基本信息〔巡察组〕“{info['group']}”"
                        + (f"、〔部署机关〕“{info['deployer']}”" if "deployer" in info else ""),
                    )
                )
            r = _ROUND_RE.search(flat)
            if r:
                info["round"] = r.group(1)
                lines.append(Line("信息", f"标题 → 基本信息〔巡察轮次〕“{info['round']}”"))
    return info, lines


def _is_section(sheet: SourceSheet, layout: Layout, row: int) -> str | None:
    """The text of a full-width section row (一、关于…方面), or None."""
    texts = {t for _, t in _row_texts(sheet, row)}
    if len(texts) != 1:
        return None
    text = next(iter(texts))
    own = [c for c, t in _row_texts(sheet, row) if (m := sheet.merge_at(row, c)) is None or m[0] == row]
    if not own:
        return None
    wide = any((m := sheet.merge_at(row, c)) is not None and m[0] == m[2] == row and m[3] > m[1] for c in own)
    measure_col = layout.columns.get("measure")
    data_cols = {layout.columns[k] for k in ("measure", "leader", "department", "deadline") if k in layout.columns}
    if wide or (measure_col is not None and not (set(own) & data_cols)):
        return text
    return None


def _anchor(sheet: SourceSheet, row: int, col: int | None) -> tuple[Any, ...]:
    if col is None:
        return ("",)
    m = sheet.merge_at(row, col)
    if m is not None and m[2] > m[0]:
        return ("merge", m[0], m[1])
    return ("text", clean_text(sheet.value(row, col)))


def read_layout(source: Source, layout: Layout) -> ImportResult:
    sheet = layout.sheet
    cols = layout.columns
    lines: list[Line] = []
    h0, h1 = layout.header_rows[0], layout.header_rows[-1]
    above = [t for r in range(1, h0) for t in [" ".join(dict.fromkeys(t for _, t in _row_texts(sheet, r)))] if t]
    info, info_lines = _info_from_lines(above)
    lines.extend(info_lines)
    for c, name in layout.names.items():
        mapped = next((k for k, v in cols.items() if v == c), None)
        letter = get_column_letter(c)
        if mapped is not None:
            lines.append(Line("列", f"{letter}列“{name}”→ {FIELDS[mapped][0]}"))
        else:
            lines.append(
                Line("列", f"{letter}列“{name}”→ 没有使用（同义词表中没有这个列名，或与前面的列重复）；导出时原样保留")
            )
    if "measure" not in cols:
        lines.append(Line("问题", "没有找到整改措施列（整改措施、整改举措……）：每个问题导入为没有措施的问题。"))
    for needed, what in (("deadline", "完成时限"), ("leader", "责任领导"), ("department", "责任部门")):
        if needed not in cols and "measure" in cols:
            lines.append(Line("问题", f"没有找到{what}列：措施的〔{what}〕需要在台账中补填。"))
    if not ({"status", "closed", "progress"} & set(cols)):
        lines.append(Line("问题", "没有找到整改状态、是否销号或完成情况列：措施的〔整改状态〕需要在台账中补填。"))

    problems: list[ImportedProblem] = []
    measures: list[ImportedMeasure] = []
    aspect = ""
    last_key: tuple[Any, ...] | None = None
    current: ImportedProblem | None = None
    progress_anchors: dict[str, list[tuple[Any, ...]]] = {}
    for row in range(h1 + 1, sheet.max_row + 1):
        texts = _row_texts(sheet, row)
        if not texts:
            continue
        joined = " ".join(dict.fromkeys(t for _, t in texts))
        if _FOOTER_RE.match(joined):
            lines.append(Line("行", f"第{row}行“{joined[:40]}”是表尾（填报人、合计等），没有导入。"))
            continue
        section = _is_section(sheet, layout, row)
        if section is not None:
            aspect_text, number = strip_number(section)
            aspect = aspect_text.strip()
            last_key, current = None, None
            lines.append(
                Line(
                    "行", f"第{row}行是分节行 → 方面“{aspect}”" + (f"（去掉序号“{number.strip()}”）" if number else "")
                )
            )
            if not number and "方面" not in aspect:
                lines.append(
                    Line(
                        "问题",
                        f"第{row}行“{section[:40]}”按分节行读作方面，它没有“一、”式序号，也不含“方面”，"
                        "请核对它是不是方面。",
                    )
                )
            continue

        def val(key: str) -> str:
            c = cols.get(key)
            return clean_text(sheet.value(row, c)) if c else ""

        row_aspect = val("aspect") or aspect
        heading_src = val("problem") if "problem" in cols else val("detail")
        item_src = val("detail") if "problem" in cols else ""
        measure_text = val("measure")
        key: tuple[Any, ...] | None = (
            val("unit"),
            row_aspect,
            _anchor(sheet, row, cols.get("problem") or cols.get("detail")),
            _anchor(sheet, row, cols.get("detail")) if "problem" in cols else ("",),
        )
        if not heading_src:
            if current is None or not measure_text:
                lines.append(
                    Line(
                        "行",
                        f"第{row}行“{joined[:40]}”既不是分节行也没有问题内容，没有导入。"
                        "如果它是一条措施，请在原台账中把它放到所属问题的下面后重新导入。",
                    )
                )
                continue
            lines.append(
                Line(
                    "问题",
                    f"第{row}行的问题栏是空的（没有合并单元格），已作为上一问题（编号 {current.id}）的措施导入；"
                    "如果不是，请在台账的“措施”表中改正它的〔问题编号〕。",
                )
            )
            key = last_key
        if key != last_key or current is None:
            heading, n1 = strip_number(heading_src)
            item, n2 = strip_number(item_src)
            current = ImportedProblem(
                id=str(len(problems) + 1),
                unit=val("unit"),
                aspect=row_aspect.strip(),
                heading=heading.strip(),
                item=item.strip(),
            )
            problems.append(current)
            last_key = key
        current.rows.append(row)
        prog_col = cols.get("progress")
        if prog_col:
            progress_anchors.setdefault(current.id, []).append(_anchor(sheet, row, prog_col))
        if not measure_text:
            if any(val(k) for k in ("leader", "department", "deadline")):
                lines.append(Line("问题", f"第{row}行有责任领导、部门或时限，却没有整改措施：没有导入为措施，请核对。"))
            continue
        action, prefix = strip_number(measure_text)
        m = ImportedMeasure(id=str(len(measures) + 1), problem_id=current.id, row=row, prefix=prefix)
        m.values["action"] = action.strip()
        for k in ("target", "leader", "department", "partner"):
            m.values[k] = val(k)
        dcol = cols.get("deadline")
        raw_deadline = sheet.value(row, dcol) if dcol else None
        m.values["deadline"] = (
            raw_deadline.date()
            if isinstance(raw_deadline, datetime)
            else (raw_deadline if isinstance(raw_deadline, date) else clean_text(raw_deadline))
        )
        progress = val("progress")
        status_text = val("status") or val("closed")
        status = status_of(status_text) if status_text else None
        if status is None and progress and status_of(progress):
            status = status_of(progress)
            status_text = status_text or progress
        if status is None and status_text:
            lines.append(
                Line("问题", f"第{row}行的状态“{status_text}”不是已知的说法，原样写入措施表，请改为下拉列表中的一项。")
            )
        m.values["status"] = status or status_text
        m.values["result"] = progress
        measures.append(m)

    # Each problem's progress: one merged cell over all its rows is the problem's; else its measures' texts.
    for p in problems:
        anchors = progress_anchors.get(p.id, [])
        if anchors and len(set(anchors)) == 1 and anchors[0][0] == "merge":
            p.progress_cell = (anchors[0][1], anchors[0][2])
            p.progress = clean_text(sheet.cells.get(p.progress_cell))
        else:
            results = [m.values["result"] for m in measures if m.problem_id == p.id and m.values["result"]]
            p.progress = "\n".join(t for t in dict.fromkeys(results) if not status_of(t))
        own = [m.values["status"] for m in measures if m.problem_id == p.id]
        if own and all(s == schema.STATUS_DONE for s in own):
            p.status = schema.STATUS_DONE
        elif own and all(s in (schema.STATUS_DONE, schema.STATUS_LONG_TERM) for s in own):
            p.status = schema.STATUS_LONG_TERM
        elif own and all(s in schema.STATUSES for s in own):
            p.status = schema.STATUS_ONGOING
        else:
            p.status = ""
            lines.append(
                Line("问题", f"问题 {p.id}（第{p.rows[0]}行）的措施状态不全，问题的〔整改状态〕需要在台账中填写。")
            )
        if not p.progress:
            lines.append(
                Line(
                    "问题",
                    f"问题 {p.id}（第{p.rows[0]}行）在原台账中没有整改进展文字；通报要印它，"
                    "请在“问题”表〔整改进展〕中填写。",
                )
            )
    lines.append(
        Line(
            "信息",
            "问题的〔整改状态〕按其措施推得：措施都已完成为“已完成”，都已完成或长期坚持为“长期坚持”，"
            "否则为“正在推进”；如需“取得阶段性成效”，请在“问题”表中改选。",
        )
    )
    if not any(p.aspect for p in problems):
        lines.append(
            Line(
                "信息",
                "原台账没有方面（既没有方面列，也没有“一、关于…方面”式的分节行）：基本信息〔编号方式〕设为“无方面”。",
            )
        )
        info["numbering"] = "无方面"

    missing = [c.header for c in schema.INFO.columns if c.required and c.key not in info]
    record = {
        "mark": RECORD_MARK,
        "source": source.path.name,
        "sha256": source.sha256,
        "format": source.fmt,
        "sheet": sheet.name,
        "header_rows": layout.header_rows,
        "columns": layout.columns,
        "problems": {
            p.id: {
                "rows": p.rows,
                "progress_cell": p.progress_cell,
                "snapshot": {"progress": p.progress, "status": p.status},
            }
            for p in problems
        },
        "measures": {
            m.id: {
                "row": m.row,
                "problem": m.problem_id,
                "prefix": m.prefix,
                "snapshot": {k: snapshot_value(v) for k, v in m.values.items()},
            }
            for m in measures
        },
    }
    return ImportResult(
        source=source.path,
        output=None,
        sheet=sheet.name,
        lines=lines,
        problems=problems,
        measures=measures,
        info=info,
        missing_info=missing,
        record=record,
    )


def choose_sheet(source: Source, name: str | None = None) -> Layout:
    """The sheet to import: the one named, else the first visible sheet with a ledger header."""
    names = {s.name for s in source.sheets}
    if (
        name is None
        and any(n in names for n in schema.PROBLEMS.names)
        and any(n in names for n in schema.MEASURES.names)
    ):
        raise WorkbookError(
            f"“{source.path.name}”是本工具自己的台账（有“问题”“措施”等工作表），不需要导入。"
            f"请直接运行 {command_name()} check {source.path.name} 检查它。"
        )
    sheets = [s for s in source.sheets if name is None or s.name == name]
    if name is not None and not sheets:
        raise UsageError(
            f"“{source.path.name}”中没有名为“{name}”的工作表。现有工作表："
            + "、".join(s.name for s in source.sheets)
            + "。"
        )
    for s in sheets:
        if not s.visible and name is None:
            continue
        layout = find_layout(s)
        if layout is not None:
            return layout
    looked = "、".join(
        sorted({n for k in ("problem", "measure", "deadline", "leader", "department") for n in FIELDS[k][1][:3]})
    )
    own = {sh.name for sh in schema.SHEETS}
    if own & {s.name for s in source.sheets}:
        hint = f"它像是本工具自己的台账（有“问题”“措施”等工作表），不需要导入，请直接用 {command_name()} check 检查。"
    else:
        hint = "请确认选对了文件；如果表头用了别的列名，请把列名改为常用说法后再导入。"
    raise WorkbookError(
        f"“{source.path.name}”中找不到整改台账的表头：在各工作表的前 {HEADER_SCAN_ROWS} 行中查找"
        f"至少三个常用列名（如{looked}），其中要有问题或整改措施列，没有找到。{hint}"
    )


# ---------------------------------------------------------------------------------------------
# Writing the ledger


def _fill_sheet(ws: Any, spec: schema.Sheet, rows: list[dict[str, Any]]) -> None:
    keys = [c.key for c in spec.columns]
    for r, values in enumerate(rows, start=2):
        for c, key in enumerate(keys, start=1):
            v = values.get(key)
            if v not in (None, ""):
                cell = ws.cell(row=r, column=c, value=v)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(v, date):
                    cell.number_format = 'yyyy"年"m"月"d"日"'


def build_workbook(result: ImportResult) -> Any:
    """The tool's ledger workbook for an import: blank layout, filled sheets, guide and hidden record."""
    kind = result.info.get("kind", schema.XUNCHA)
    wb = blank_workbook(kind, examples=False)
    info_ws = wb[schema.INFO.name]
    for r in range(2, info_ws.max_row + 1):
        label = info_ws.cell(row=r, column=1).value
        col = next((c for c in schema.INFO.columns if label in (c.header, schema.for_kind(c.header, kind))), None)
        if col is None:
            continue
        if col.key in result.info:
            info_ws.cell(row=r, column=2, value=result.info[col.key])
        elif col.required:
            note = info_ws.cell(row=r, column=3)
            note.value = "【导入后待填】原台账中没有。" + str(note.value or "")
            note.font = Font(color="C00000", bold=True)
    _fill_sheet(
        wb[schema.PROBLEMS.name],
        schema.PROBLEMS,
        [
            {
                "id": p.id,
                "aspect": p.aspect,
                "heading": p.heading,
                "item": p.item,
                "progress": p.progress,
                "status": p.status,
                "public": schema.YES,
            }
            for p in result.problems
        ],
    )
    _fill_sheet(
        wb[schema.MEASURES.name],
        schema.MEASURES,
        [{"id": m.id, "problem_id": m.problem_id, **m.values} for m in result.measures],
    )
    guide = wb[schema.GUIDE_SHEET]
    start = guide.max_row + 2
    rows = [
        "【导入说明】",
        *result.report(),
        "必填列：本工具要求的列中，〔整改目标〕改为选填（多数台账没有这一列，清单中照原样留空）；"
        "〔整改进展〕〔整改状态〕〔责任领导〕〔责任部室（单位）〕〔完成时限〕仍为必填：通报和清单要印它们。",
        "完成时限照原台账的写法保留（如“2024年12月底前”“立行立改”“持续推进”），清单中照写。",
        "改完后运行 rectify export 本台账，把整改状态和进展写回原台账的格式（原台账要放在本台账旁边）。",
    ]
    for i, text in enumerate(rows):
        cell = guide.cell(row=start + i, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.merge_cells(start_row=start + i, start_column=1, end_row=start + i, end_column=5)
        guide.row_dimensions[start + i].height = 15 * max(1, len(text) // 70 + 1)
    guide.cell(row=start, column=1).font = Font(bold=True, color="1F4E79")
    write_record(wb, result.record)
    return wb


def import_ledger(source_path: Path, output: Path | None = None, sheet: str | None = None) -> ImportResult:
    """Import `source_path` into a new ledger (default: 〈name〉-台账.xlsx beside it); never writes the source."""
    source_path = Path(source_path)
    source = read_source(source_path)
    layout = choose_sheet(source, sheet)
    result = read_layout(source, layout)
    if output is None:
        output = source_path.with_name(f"{source_path.stem}-台账.xlsx")
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"“{output.name}”的扩展名应为 .xlsx（本工具的台账总是 .xlsx）。")
    if output.resolve() == source_path.resolve():
        raise UsageError("输出文件不能是原台账本身：导入不修改原台账。请换一个文件名。")
    write_new_file(output, build_workbook(result).save)
    result.output = output
    return result
