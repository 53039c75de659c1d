"""Checks: raw workbook → typed Ledger plus every Finding at once. Pure functions, no I/O.

Tests assert the stable `code` and the cell of a finding, not its wording.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from openpyxl.cell.cell import ERROR_CODES

from pipeline import figures, limits, schema
from pipeline.model import Document, Inspection, Ledger, Measure, Paragraph, Problem
from pipeline.outline import NumberingScheme, title_choice
from pipeline.text import (
    LooseDate,
    correct_doc_number,
    find_control_chars,
    find_halfwidth_punct,
    is_chinese,
    normalize_punct,
    parse_date_text,
    parse_loose_date,
    split_paragraphs,
    strip_typed_number,
)
from pipeline.workbook import RawCell, RawRow, RawTable, RawWorkbook

ERROR = "error"
WARNING = "warning"

PLACEHOLDER_RE = figures.PLACEHOLDER_RE
REPEATED_PUNCT_RE = re.compile(r"([，、；。：])\1")
_EXCEL_EPOCH = datetime(1899, 12, 30)
# Serial numbers accepted as dates: 1990-01-01 … 2099-12-31.
SERIAL_MIN, SERIAL_MAX = 32874, 73050
DATE_MIN, DATE_MAX = date(1990, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class Finding:
    """One problem with the user's input, located as Excel shows it."""

    level: str
    code: str
    sheet: str
    cell: str
    message: str
    header: str = ""

    @property
    def location(self) -> str:
        """Sheet!Cell, or the sheet alone when no cell applies."""
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def as_dict(self) -> dict[str, str]:
        """Plain dict for `--json` and the manifest."""
        return {"level": self.level, "code": self.code, "sheet": self.sheet, "cell": self.cell,
                "header": self.header, "message": self.message}


@dataclass(frozen=True)
class CheckResult:
    """The typed ledger (None when errors prevent building it) and every finding."""

    ledger: Ledger | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings that stop a build."""
        return tuple(f for f in self.findings if f.level == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings that are reported but do not stop a build."""
        return tuple(f for f in self.findings if f.level == WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors


class _Collector:
    """Gathers findings while values are converted."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, level: str, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.findings.append(Finding(level, code, sheet, cell, message, header))

    def error(self, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.add(ERROR, code, sheet, cell, message, header)

    def warn(self, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.add(WARNING, code, sheet, cell, message, header)


def _to_text(value: Any, multiline: bool) -> str:
    """A cell value as text: numbers without a spurious .0, line breaks kept only when allowed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    text = str(value).strip()
    if not multiline and "\n" in text:
        # A line break typed inside a one-line cell: drop it between Chinese characters,
        # keep a space between Latin words.
        parts = [p.strip() for p in text.split("\n") if p.strip()]
        text = parts[0] if parts else ""
        for part in parts[1:]:
            sep = "" if (is_chinese(text[-1]) or is_chinese(part[0])) else " "
            text += sep + part
    return text


class _Converter:
    """Converts the cells of one sheet by schema kind, reporting what cannot be converted."""

    def __init__(self, table: RawTable, out: _Collector) -> None:
        self.table = table
        self.sheet = table.title
        self.out = out
        self._convert: dict[str, Callable[[Any, schema.Column, tuple[str, str]], Any]] = {
            schema.TEXT: self._text, schema.LONGTEXT: self._longtext, schema.ID: self._id,
            schema.INT: self._int, schema.DATE: self._date, schema.DEADLINE: self._deadline,
            schema.CHOICE: self._choice, schema.LOOSE_DATE: self._loose_date,
        }

    def value(self, cell: RawCell | None, col: schema.Column) -> Any:
        """The typed value of `cell` for `col`, or None (with a finding) when it is missing or invalid."""
        if cell is None:
            return None
        where = (self.sheet, cell.coord)
        if cell.removed:
            _warn_format_chars(self.out, where, col.header, cell.removed)
        if cell.formula_without_value:
            self.out.error("formula-no-value", *where,
                           f"〔{col.header}〕是公式，但文件中没有保存计算结果。"
                           "请在 Excel 或 WPS 中打开台账、确认公式结果正确后保存，再运行本程序。", col.header)
            return None
        if cell.empty:
            if col.required:
                self.out.error("required-missing", *where, f"〔{col.header}〕必须填写（{col.purpose}）。", col.header)
            return None
        raw = cell.value
        if isinstance(raw, str) and raw.strip() in ERROR_CODES:
            self.out.error("cell-error", *where,
                           f"〔{col.header}〕显示的是 Excel 错误值“{raw.strip()}”（公式出错，如查找不到、除以零）。"
                           "请在 Excel 或 WPS 中修正公式，或直接填写内容。", col.header)
            return None
        if isinstance(raw, str):
            bad = find_control_chars(raw)
            if bad:
                codes = "、".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(bad))
                self.out.error("control-char", *where,
                               f"〔{col.header}〕含有 Word 无法保存的不可见控制字符（{codes}），"
                               "通常来自网页或其他系统的复制粘贴。请删除后重新输入这段文字。", col.header)
                return None
        if isinstance(raw, bool) and not (col.kind == schema.CHOICE and set(col.choices) >= {schema.YES, schema.NO}):
            self.out.error("bad-boolean", *where,
                           f"〔{col.header}〕是逻辑值“{'TRUE' if raw else 'FALSE'}”（Excel 的真/假值，常由公式或复选框产生），"
                           "不是这一列要填的内容。请直接输入文字、数字或日期。", col.header)
            return None
        return self._convert[col.kind](raw, col, where)

    def _text(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str:
        return _to_text(raw, multiline=False)

    def _longtext(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str:
        return _to_text(raw, multiline=True)

    def _id(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str:
        return unicodedata.normalize("NFKC", _to_text(raw, multiline=False))

    def _int(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> int | None:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
            return int(raw)
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        m = re.fullmatch(r"(\d+)\s*[个项条件]?", text)
        if m:
            return int(m.group(1))
        self.out.error("bad-number", *where, f"〔{col.header}〕“{raw}”不是整数。请填写如 32 的数字。",
                       col.header)
        return None

    def _date(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> date | None:
        if isinstance(raw, date):
            value = raw.date() if isinstance(raw, datetime) else raw
            if DATE_MIN <= value <= DATE_MAX:
                return value
            # A number typed into a date-formatted cell: Excel shows 2024 as 1905年7月16日.
            self.out.error("bad-date", *where,
                           f"〔{col.header}〕{value:%Y-%m-%d} 不像是正确的日期（可能把年份或其他数字填进了日期格）。"
                           "请填写如 2024-09-30 或 2024年9月30日 的完整日期。", col.header)
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            # An Excel serial number; only a plausible range, so that 2024 typed as a number is not
            # silently read as 1905年7月16日.
            if SERIAL_MIN <= raw <= SERIAL_MAX and float(raw).is_integer():
                return (_EXCEL_EPOCH + timedelta(days=int(raw))).date()
            self.out.error("bad-date", *where,
                           f"〔{col.header}〕“{raw}”是数字，不是日期。请填写如 2024-09-30 或 2024年9月30日 的日期。",
                           col.header)
            return None
        parsed = parse_date_text(str(raw))
        if parsed is None:
            self.out.error("bad-date", *where,
                           f"〔{col.header}〕“{raw}”不是有效日期。请填写如 2024-09-30 或 2024年9月30日 的日期。",
                           col.header)
        return parsed

    def _loose_date(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> LooseDate | None:
        if isinstance(raw, str) and parse_date_text(raw) is None:
            loose = parse_loose_date(raw)
            if loose is None:
                self.out.error("bad-date", *where,
                               f"〔{col.header}〕“{raw}”不是有效日期。请填写如 2024-09-30、2024年9月30日 的日期；"
                               "不知道具体日子时可以写到月或旬，如“2024年6月”“2022年8月下旬”“2024年9月底”（要写年份）。",
                               col.header)
            return loose
        exact = self._date(raw, col, where)
        return LooseDate.of(exact) if exact is not None else None

    def _deadline(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> date | str | None:
        if isinstance(raw, str) and raw.strip() in schema.LONG_TERM_WORDS:
            return schema.STATUS_LONG_TERM
        if isinstance(raw, str) and parse_date_text(raw) is None:
            self.out.error("bad-date", *where,
                           f"〔{col.header}〕“{raw}”既不是日期也不是“长期坚持”。"
                           "请填写如 2024-12-31 的日期，或填写“长期坚持”。", col.header)
            return None
        return self._date(raw, col, where)

    def _choice(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str | None:
        text = unicodedata.normalize("NFKC", _to_text(raw, multiline=False)).replace(" ", "")
        for choice in col.choices:
            if unicodedata.normalize("NFKC", choice) == text:
                return choice
        if col.choices == schema.STATUSES and text in schema.STATUS_ALIASES:
            return schema.STATUS_ALIASES[text]
        self.out.error("bad-choice", *where,
                       f"〔{col.header}〕“{raw}”不在可选范围内。请从下拉列表中选择：{'、'.join(col.choices)}。",
                       col.header)
        return None


def _warn_format_chars(out: _Collector, where: tuple[str, str], header: str, removed: str) -> None:
    codes = "、".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(removed))
    out.warn("format-char", *where,
             f"〔{header}〕含有看不见的格式字符（{codes}，如零宽空格、文字方向控制符），已删除。"
             "它们通常来自网页或聊天软件的复制粘贴；请确认删除后的内容无误。", header)


def _missing_structure(wb: RawWorkbook, out: _Collector) -> None:
    for spec in schema.SHEETS:
        table = wb.tables.get(spec.key)
        if table is None:
            have = "、".join(wb.sheet_names)
            out.error("missing-sheet", spec.name, "",
                      f"找不到“{spec.name}”工作表（现有：{have}）。"
                      f"请按空白台账（rectify init）恢复该表，或把对应的表改名为“{spec.name}”。")
            continue
        for col in table.missing_columns():
            if spec.keyvalue:
                out.error("missing-column", table.title, "",
                          f"缺少“{col.header}”一行。请在 A 列添加“{col.header}”，在 B 列填写内容。", col.header)
            else:
                out.error("missing-column", table.title, f"{table.header_row or 1}:{table.header_row or 1}",
                          f"找不到列“{col.header}”。请在表头行添加这一列（列名须与空白台账一致）。", col.header)


def _check_strings(table: RawTable, key: str, cell: RawCell | None, value: Any, out: _Collector) -> None:
    """Warnings about text the documents will print: half-width punctuation, doubled marks."""
    if cell is None or not isinstance(value, str) or not value:
        return
    col = table.spec.column(key)
    if col.kind not in (schema.TEXT, schema.LONGTEXT) or not any(is_chinese(ch) for ch in value):
        return
    marks = find_halfwidth_punct(value)
    if marks:
        shown = "".join(dict.fromkeys(ch for _, ch in marks))
        out.warn("halfwidth-punct", table.title, cell.coord,
                 f"〔{col.header}〕中文之间有半角标点“{shown}”。生成文档时会自动改为全角；"
                 "如需保留原样，请检查生成结果。", col.header)
    m = REPEATED_PUNCT_RE.search(value)
    if m:
        out.warn("repeated-punct", table.title, cell.coord,
                 f"〔{col.header}〕有重复的标点“{m.group(0)}”（“…{value[max(0, m.start() - 6):m.end() + 4]}…”）。"
                 "请确认是否多打了一个。", col.header)


def _rows(table: RawTable | None, out: _Collector) -> list[tuple[RawRow, dict[str, Any]]]:
    """Convert every row of a table sheet."""
    if table is None:
        return []
    conv = _Converter(table, out)
    result = []
    first = table.spec.columns[0].key
    for row in table.rows:
        cell = row.get(first)
        if cell is not None and isinstance(cell.value, str) and cell.value.startswith(schema.EXAMPLE_MARK):
            continue  # the blank ledger's example row
        values: dict[str, Any] = {}
        for col in table.spec.columns:
            cell = row.get(col.key)
            values[col.key] = conv.value(cell, col)
            if values[col.key] is None and col.default is not None and (cell is None or cell.empty):
                values[col.key] = col.default
            _check_strings(table, col.key, cell, values[col.key], out)
        result.append((row, values))
    return result


_LOOSE_KEYS = ("start", "end", "feedback")
_TITLE_KEYS = ("title_basic", "title_progress", "title_plans", "title_closing")
# Placeholders that need the problems' statuses: rows in 问题, or counts declared in 基本信息.
_STATUS_PLACEHOLDERS = ("已完成数", "阶段性成效数", "正在推进数", "长期坚持数", "未完成数", "问题完成率", "整改状态句")


def kind_of(table: RawTable | None) -> str:
    """巡察 or 巡视: the 巡视巡察 row when filled, else 巡视 when the group's name says so."""
    if table is None:
        return schema.XUNCHA
    def text(key: str) -> str:
        cell = table.fields.get(key)
        return unicodedata.normalize("NFKC", str(cell.value)).strip() if cell is not None and not cell.empty else ""
    kind = text("kind").replace(" ", "")
    if kind in schema.KINDS:
        return kind
    group = text("group")
    return schema.XUNSHI if schema.XUNSHI in group and schema.XUNCHA not in group else schema.XUNCHA


def scheme_of(table: RawTable | None) -> NumberingScheme:
    """The numbering scheme 基本信息 names (the default when it names none or an invalid one)."""
    cell = table.fields.get("numbering") if table is not None else None
    try:
        return NumberingScheme.parse("" if cell is None or cell.empty else str(cell.value))
    except ValueError:
        return NumberingScheme.parse("")


def _strip_number(table: RawTable, cell: RawCell | None, key: str, value: str | None, out: _Collector) -> str | None:
    """A heading without the number a clerk typed before it (the notice numbers it), with a warning."""
    if not value:
        return value
    stripped, removed = strip_typed_number(value)
    if removed and cell is not None:
        header = table.spec.column(key).header
        out.warn("typed-numbering", table.title, cell.coord,
                 f"〔{header}〕开头的编号“{removed}”已去掉：通报按编号方式自动编号，否则会印成“{removed}{removed}”。"
                 f"请在台账中删去这个编号。", header)
    return stripped


def _check_notice_settings(table: RawTable, values: dict[str, Any], out: _Collector) -> None:
    """编号方式, the section titles and 导语: valid values, no typed numbers, known placeholders."""
    cells = table.fields
    if values.get("numbering"):
        try:
            NumberingScheme.parse(values["numbering"])
        except ValueError as e:
            out.error("bad-numbering", table.title, cells["numbering"].coord,
                      f"〔编号方式〕{e}。请从下拉列表中选择，或按“填写说明”表中的格式填写。", "编号方式")
            values["numbering"] = ""
    for key in _TITLE_KEYS:
        printed, title = title_choice(values.get(key) or "")
        if printed and title:
            values[key] = _strip_number(table, cells.get(key), key, values[key], out)
    for key in ("opening", *_TITLE_KEYS):
        for name in figures.unknown(values.get(key) or ""):
            header = table.spec.column(key).header
            out.error("unknown-placeholder", table.title, cells[key].coord,
                      f"〔{header}〕中的占位符“{name}”无法识别。可用的占位符：{figures.allowed_list()}。"
                      "如果要印出花括号本身，请改用其他符号。", header)


def _inspection(table: RawTable | None, out: _Collector) -> Inspection | None:
    """The 基本信息 facts, or None when a required one is missing or invalid."""
    if table is None:
        return None
    conv = _Converter(table, out)
    values = {col.key: conv.value(table.fields.get(col.key), col) for col in table.spec.columns}
    for col in table.spec.columns:
        _check_strings(table, col.key, table.fields.get(col.key), values[col.key], out)
    _check_notice_settings(table, values, out)
    if any(values[c.key] is None for c in table.spec.columns if c.required):
        return None
    cells = table.fields
    when: dict[str, LooseDate] = {k: values[k] for k in _LOOSE_KEYS}
    when["issued"] = LooseDate.of(values["issued"])
    # A period's order is wrong only when it cannot be right: its first day after the next one's last.
    for a, b in [("start", "end"), ("end", "feedback"), ("feedback", "issued")]:
        if when[a].first > when[b].last:
            out.error("date-order", table.title, cells[b].coord,
                      f"〔{table.spec.column(b).header}〕{when[b].text()} 早于"
                      f"〔{table.spec.column(a).header}〕{when[a].text()}。请核对这两个日期。",
                      table.spec.column(b).header)
    for key in _LOOSE_KEYS:
        values[key] = when[key].last
        values[f"{key}_as_written"] = None if when[key].exact else when[key]
    values["kind"] = kind_of(table)
    values["show_status"] = values["show_status"] == schema.YES
    texts = {k: (v if v is not None else "") for k, v in values.items()
             if k in table.spec.columns_by_key and table.spec.column(k).kind in (schema.TEXT, schema.LONGTEXT)}
    return Inspection(**{**values, **texts})


def check_workbook(wb: RawWorkbook) -> CheckResult:
    """Type every value of the raw workbook and run every check; all findings at once."""
    out = _Collector()
    for note in wb.notes:  # what the reader saw: hidden sheets or rows, ambiguous sheets
        out.add(note.level, note.code, note.sheet, note.cell, note.message, note.header)
    _missing_structure(wb, out)
    tables = wb.tables
    info_table = tables.get("info")
    inspection = _inspection(info_table, out)

    problem_rows = _rows(tables.get("problems"), out)
    measure_rows = _rows(tables.get("measures"), out)
    narrative_rows = _rows(tables.get("narrative"), out)
    document_rows = _rows(tables.get("documents"), out)

    scheme = scheme_of(info_table)
    ptable, ntable = tables.get("problems"), tables.get("narrative")
    for r, v in problem_rows:
        for key in ("aspect", "heading", "item"):
            v[key] = _strip_number(ptable, r.get(key), key, v[key], out)
        if scheme.aspect.shown and not v["aspect"] and r.get("aspect") is not None:
            out.error("required-missing", ptable.title, r.get("aspect").coord,
                      "〔方面〕必须填写：编号方式“" + (scheme.name or scheme.pattern) + "”按方面分组。"
                      "请填写这个问题所属的方面，或在基本信息的〔编号方式〕中选择“无方面”。", "方面")
    if ptable is not None and scheme.aspect.shown and "aspect" not in ptable.columns:
        out.error("missing-column", ptable.title, f"{ptable.header_row or 1}:{ptable.header_row or 1}",
                  "找不到列“方面”。请在表头行添加这一列；编号方式为“无方面”时可以没有这一列。", "方面")
    for r, v in narrative_rows:
        v["heading"] = _strip_number(ntable, r.get("heading"), "heading", v["heading"], out)
    problems = [
        # Groups are formed on the text as printed, so "(甲)" and "（甲）" are one aspect.
        Problem(id=v["id"], aspect=normalize_punct(v["aspect"] or ""), heading=normalize_punct(v["heading"]),
                item=v["item"] or "",
                progress=tuple(split_paragraphs(v["progress"] or "")),
                status=v["status"], public=(v["public"] != schema.NO), row=r.row)
        for r, v in problem_rows
        if all(v[k] is not None for k in ("id", "heading", "progress", "status"))
    ]
    measures = [
        Measure(id=v["id"], problem_id=v["problem_id"], action=v["action"], target=v["target"],
                leader=v["leader"], department=v["department"], partner=v["partner"] or "",
                deadline=None if v["deadline"] == schema.STATUS_LONG_TERM else v["deadline"],
                result=v["result"] or "", status=v["status"], row=r.row)
        for r, v in measure_rows
        if all(v[c.key] is not None for c in schema.MEASURES.columns if c.required)
    ]
    _check_narrative_text(ntable, narrative_rows, out)
    narrative = [
        Paragraph(section=v["section"], heading=v["heading"] or "", text=v["text"] or "", row=r.row)
        for r, v in narrative_rows if v["section"] is not None and (v["text"] or v["heading"])
    ]
    documents = [
        Document(name=v["name"], kind=v["kind"], date=v["date"],
                 problem_ids=_split_ids(v["problem_ids"]),
                 row=r.row)
        for r, v in document_rows if v["name"] is not None and v["kind"] is not None
    ]

    if ptable is not None and not problem_rows:
        declared = info_table.fields.get("declared_problems") if info_table is not None else None
        if declared is not None and not declared.empty:
            out.warn("totals-only", ptable.title, "",
                     "“问题”表中没有具体问题，通报只印基本信息中填写的总数（反馈问题数等），不印逐条的整改进展。"
                     "如需逐条公布，请在“问题”表中填写。")
        else:
            out.error("no-problems", ptable.title, "",
                      "“问题”表中没有任何问题。请至少填写一个具体问题；只公布总数的通报请在基本信息中填写〔反馈问题数〕"
                      "（以及按整改状态的问题数）。")
    _check_ids(tables.get("problems"), problem_rows, out)
    _check_ids(tables.get("measures"), measure_rows, out)
    _check_references(tables, problem_rows, measure_rows, document_rows, out)
    _check_placeholders(tables.get("narrative"), narrative_rows, out)
    if inspection is not None:
        _check_deadlines(tables.get("measures"), measure_rows, inspection, out)
    _check_status_consistency(tables, problem_rows, measure_rows, out)
    _check_layout(tables, problem_rows, narrative_rows, out, inspection)

    ledger = None
    if inspection is not None:
        ledger = Ledger(inspection=inspection, problems=tuple(problems), measures=tuple(measures),
                        narrative=tuple(narrative), documents=tuple(documents))
        _check_declared(info_table, tables, {"problems": problem_rows, "measures": measure_rows,
                                             "documents": document_rows}, ledger, out)
        _check_internal(ptable, ledger, out)
        _check_figures_available(info_table, ntable, narrative_rows, ledger, out)
        _check_lengths(info_table, ledger, out)
    _check_doc_number(info_table, out)
    kind = inspection.kind if inspection is not None else kind_of(info_table)
    result_findings = tuple(_for_kind(f, kind) for f in out.findings)
    if any(f.level == ERROR for f in result_findings):
        ledger = None
    return CheckResult(ledger=ledger, findings=result_findings)


def _for_kind(f: Finding, kind: str) -> Finding:
    """A finding worded for the ledger's kind (巡视 ledgers read 巡视 in every message)."""
    if kind == schema.XUNCHA:
        return f
    return Finding(f.level, f.code, f.sheet, f.cell, schema.for_kind(f.message, kind), schema.for_kind(f.header, kind))


def _check_narrative_text(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], out: _Collector) -> None:
    """A 正文 row needs 内容, unless it is a heading of its own (小标题 filled, 内容 empty); the blank
    ledger's skeleton text must be rewritten before it is printed."""
    if table is None:
        return
    for row, v in rows:
        for key in ("heading", "text"):
            if schema.REWRITE_MARK in (v.get(key) or ""):
                header = table.spec.column(key).header
                out.error("skeleton-text", table.title, _cell(table, row, key),
                          f"〔{header}〕还是空白台账预填的示范文字（含“{schema.REWRITE_MARK}”）。请按本单位实际改写，"
                          f"删去“{schema.REWRITE_MARK}”；不需要的段落请整行删除。", header)
        cell = row.get("text")
        if v["text"] is None and not v["heading"] and (cell is None or cell.empty):
            header = table.spec.column("text").header
            out.error("required-missing", table.title, _cell(table, row, "text"),
                      f"〔{header}〕必须填写（只填〔小标题〕、不填内容的一行是单独成行的标题）。", header)


def _check_figures_available(info_table: RawTable | None, ntable: RawTable | None,
                             narrative_rows: list[tuple[RawRow, dict[str, Any]]], ledger: Ledger,
                             out: _Collector) -> None:
    """Status figures need problem rows or declared counts by status: without either they cannot be printed."""
    if ledger.problems or ledger.inspection.declared_by_status is not None:
        return
    places: list[tuple[RawTable, str, str, str]] = []
    if info_table is not None:
        for key in ("opening", *_TITLE_KEYS):
            cell = info_table.fields.get(key)
            if cell is not None and isinstance(cell.value, str):
                places.append((info_table, cell.coord, key, cell.value))
    if ntable is not None:
        for row, v in narrative_rows:
            for key in ("heading", "text"):
                if v.get(key):
                    places.append((ntable, _cell(ntable, row, key), key, v[key]))
    for table, coord, key, text in places:
        for m in PLACEHOLDER_RE.finditer(text):
            if figures.canonical(m.group(1)) in _STATUS_PLACEHOLDERS:
                header = table.spec.column(key).header
                out.error("figure-unavailable", table.title, coord,
                          f"〔{header}〕用了占位符“{m.group(0)}”，但“问题”表中没有具体问题，基本信息中也没有填写按整改状态的"
                          "问题数，无法计算。请在基本信息中填写〔已完成问题数〕等四项，或删去这个占位符。", header)


def _split_ids(text: str | None) -> tuple[str, ...]:
    """A list of problem ids as typed: separated by 、 , ， ; ； or spaces."""
    return tuple(x for x in re.split(r"[、,，;；\s]+", text or "") if x)


def _cell(table: RawTable, row: RawRow, key: str) -> str:
    cell = row.get(key)
    return cell.coord if cell else f"{row.row}:{row.row}"


def _check_ids(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], out: _Collector) -> None:
    if table is None:
        return
    seen: dict[str, RawRow] = {}
    for row, v in rows:
        ident = v.get("id")
        if ident is None:
            continue
        if ident in seen:
            out.error("duplicate-id", table.title, _cell(table, row, "id"),
                      f"〔编号〕“{ident}”与第 {seen[ident].row} 行重复。每行的编号必须唯一，请改为未用过的编号。", "编号")
        else:
            seen[ident] = row


def _check_references(tables: dict[str, RawTable], problem_rows: list[tuple[RawRow, dict[str, Any]]],
                      measure_rows: list[tuple[RawRow, dict[str, Any]]],
                      document_rows: list[tuple[RawRow, dict[str, Any]]], out: _Collector) -> None:
    problem_ids = {v["id"] for _, v in problem_rows if v["id"] is not None}
    mtable, ptable, dtable = tables.get("measures"), tables.get("problems"), tables.get("documents")
    referenced: set[str] = set()
    if mtable is not None:
        for row, v in measure_rows:
            pid = v["problem_id"]
            if pid is None:
                continue
            referenced.add(pid)
            if ptable is not None and pid not in problem_ids:
                out.error("unknown-problem", mtable.title, _cell(mtable, row, "problem_id"),
                          f"〔问题编号〕“{pid}”在“{ptable.title}”表中不存在。请填写该措施所属问题的编号。",
                          "问题编号")
    if ptable is not None and mtable is not None:
        for row, v in problem_rows:
            if v["id"] is not None and v["id"] not in referenced:
                out.error("problem-without-measure", ptable.title, _cell(ptable, row, "id"),
                          f"问题“{v['id']}”没有任何整改措施。请在“{mtable.title}”表中为它添加至少一条措施"
                          f"（〔问题编号〕填 {v['id']}）。", "编号")
    if dtable is not None and ptable is not None:
        for row, v in document_rows:
            for pid in _split_ids(v["problem_ids"]):
                if pid not in problem_ids:
                    out.warn("unknown-problem", dtable.title, _cell(dtable, row, "problem_ids"),
                             f"〔问题编号〕“{pid}”在“{ptable.title}”表中不存在。请核对编号。", "问题编号")


def _check_placeholders(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]],
                        out: _Collector) -> None:
    if table is None:
        return
    for row, v in rows:
        for key in ("heading", "text"):
            for name in figures.unknown(v.get(key) or ""):
                header = table.spec.column(key).header
                out.error("unknown-placeholder", table.title, _cell(table, row, key),
                          f"〔{header}〕中的占位符“{name}”无法识别。可用的占位符：{figures.allowed_list()}。"
                          "如果要印出花括号本身，请改用其他符号。", header)


def _check_deadlines(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]],
                     info: Inspection, out: _Collector) -> None:
    if table is None:
        return
    for row, v in rows:
        deadline = v["deadline"]
        if not isinstance(deadline, date):
            continue
        where = (table.title, _cell(table, row, "deadline"))
        feedback = info.when("feedback")
        if deadline < feedback.first:
            out.error("deadline-before-feedback", *where,
                      f"〔完成时限〕{deadline:%Y-%m-%d} 早于反馈日期 {feedback.text()}。"
                      "整改措施的时限应在反馈之后，请核对。", "完成时限")
        elif deadline < info.issued and v["status"] not in (schema.STATUS_DONE, None):
            out.warn("deadline-passed", *where,
                     f"〔完成时限〕{deadline:%Y-%m-%d} 在成文日期 {info.issued:%Y-%m-%d} 之前已到期，"
                     f"但状态是“{v['status']}”。请更新状态或说明原因。", "完成时限")


def _check_status_consistency(tables: dict[str, RawTable], problem_rows: list[tuple[RawRow, dict[str, Any]]],
                              measure_rows: list[tuple[RawRow, dict[str, Any]]], out: _Collector) -> None:
    ptable, mtable = tables.get("problems"), tables.get("measures")
    if ptable is None or mtable is None:
        return
    finished = (schema.STATUS_DONE, schema.STATUS_LONG_TERM)
    open_measures: dict[str, list[str]] = {}
    for _, v in measure_rows:
        if v["problem_id"] is not None and v["status"] is not None and v["status"] not in finished:
            open_measures.setdefault(v["problem_id"], []).append(str(v["id"]))
    for row, v in problem_rows:
        if v["status"] == schema.STATUS_DONE and v["id"] in open_measures:
            ids = "、".join(open_measures[v["id"]])
            out.warn("done-with-open-measure", ptable.title, _cell(ptable, row, "status"),
                     f"问题“{v['id']}”标为“已完成”，但它的措施（编号 {ids}）尚未完成。请核对问题或措施的状态。",
                     "整改状态")


def _check_layout(tables: dict[str, RawTable], problem_rows: list[tuple[RawRow, dict[str, Any]]],
                  narrative_rows: list[tuple[RawRow, dict[str, Any]]], out: _Collector,
                  inspection: Inspection | None = None) -> None:
    """Warnings about what would print oddly: an empty notice section, an unlabelled item among labelled ones."""
    ntable = tables.get("narrative")
    if ntable is not None:
        present = {v["section"] for _, v in narrative_rows}
        fields = {schema.SECTION_BASIC: ("title_basic", "整改工作基本情况"),
                  schema.SECTION_PLANS: ("title_plans", "今后整改工作打算")}
        for section, (key, default) in fields.items():
            printed, title = title_choice(getattr(inspection, key) if inspection is not None else "")
            if printed and section not in present:
                shown = f"“{title or default}”" if title != "" else "这一部分"
                out.warn("empty-section", ntable.title, "",
                         f"没有“部分”为“{section}”的段落，通报中{shown}下将没有内容。请补充相应段落，"
                         f"或在基本信息的〔{schema.INFO.column(key).header}〕中填“不印”。", "部分")
    ptable = tables.get("problems")
    if ptable is None:
        return
    groups: dict[tuple[str, str], list[tuple[RawRow, dict[str, Any]]]] = {}
    for row, v in problem_rows:
        if v["aspect"] and v["heading"]:
            key = (normalize_punct(v["aspect"]), normalize_punct(v["heading"]))
            groups.setdefault(key, []).append((row, v))
    for rows in groups.values():
        if any(v["item"] for _, v in rows):
            for row, v in rows:
                if not v["item"]:
                    out.warn("missing-item", ptable.title, _cell(ptable, row, "item"),
                             "同一问题下其他行填写了〔具体问题〕，这一行却空着：它的整改进展会排在上一个“×是”之后，"
                             "看起来像是上一条的内容。请填写具体问题，或把进展并入相应的行。", "具体问题")


def _check_doc_number(table: RawTable | None, out: _Collector) -> None:
    """发文字号 in the standard form: the year in 〔〕 (not [] 【】 or ()), no 第, no leading zeros."""
    cell = table.fields.get("doc_number") if table is not None else None
    if cell is None or cell.empty or not isinstance(cell.value, str):
        return
    typed = cell.value.strip()
    header = table.spec.column("doc_number").header
    corrected = correct_doc_number(typed)
    if corrected is None:
        out.warn("doc-number-form", table.title, cell.coord,
                 f"〔{header}〕“{typed}”不是规范的发文字号格式。应为机关代字、年份和序号，"
                 "如“东工党〔2024〕12号”：年份用六角括号〔〕，不加“第”，序号不编虚位。", header)
    elif corrected != typed:
        out.warn("doc-number-form", table.title, cell.coord,
                 f"〔{header}〕“{typed}”应写作“{corrected}”：年份用六角括号〔〕，不加“第”，序号不编虚位"
                 "（如 1 不写作 01）。", header)


def _check_declared(table: RawTable | None, tables: dict[str, RawTable],
                    rows: dict[str, list[tuple[RawRow, dict[str, Any]]]], ledger: Ledger, out: _Collector) -> None:
    """A declared total that differs from the rows: a warning that says which rows it counted (and how many
    of them have errors). A sheet that is missing or lacks a required column is not counted at all: its
    count would mislead (the missing column is reported first)."""
    if table is None:
        return
    counts = ledger.counts
    pairs = [("declared_aspects", counts.aspects_declared, counts.aspects_counted, "problems", "个方面"),
             ("declared_problems", counts.problems_declared, counts.problems_counted, "problems", "个具体问题"),
             ("declared_measures", counts.measures_declared, counts.measures_counted, "measures", "条措施"),
             ("declared_documents", counts.documents_declared, counts.documents_counted, "documents", "个文件")]
    for key, declared, counted, sheet_key, unit in pairs:
        sheet = tables.get(sheet_key)
        if sheet is None or sheet.missing_columns():
            continue
        data_rows = len(rows.get(sheet_key, []))
        # A total declared over an empty sheet is a notice of totals only, not a mismatch.
        if declared is None or not data_rows or declared == counted:
            continue
        header = table.spec.column(key).header
        bad = data_rows - (counted if key != "declared_aspects" else data_rows)
        listed = (f"“{sheet.title}”表中有 {data_rows} 行，其中 {bad} 行有错误（见上），其余 {counted} 行列出 {counted} {unit}"
                  if bad > 0 else f"“{sheet.title}”表中列出了 {counted} {unit}")
        out.warn("declared-total-mismatch", table.title, table.fields[key].coord,
                 f"〔{header}〕填写 {declared}，但{listed}。通报中将使用填写的 {declared}；"
                 f"如需按表格统计，请清空此项。", header)


def _check_internal(table: RawTable | None, ledger: Ledger, out: _Collector) -> None:
    """Problems marked not public: said once, so the clerk knows why the notice's total lists fewer."""
    internal = [p for p in ledger.problems if not p.public]
    if table is None or not internal:
        return
    ids = "、".join(p.id for p in internal[:10]) + ("等" if len(internal) > 10 else "")
    out.warn("internal-problems", table.title, "",
             f"{len(internal)} 个问题标为不公开（编号 {ids}）：计入通报中的问题总数和统计，只列入三个清单，"
             "不在通报中逐条列出。", "是否公开")


def _check_lengths(table: RawTable | None, ledger: Ledger, out: _Collector) -> None:
    """Values longer than the documents can hold (Word's document properties take 255 characters)."""
    if table is None:
        return
    for key, what, length in limits.property_overflows(ledger):
        header = table.spec.column(key).header
        cell = table.fields.get(key)
        out.error("too-long", table.title, cell.coord if cell else "",
                  f"〔{header}〕太长：{what}有 {length} 个字，超过 Word 文档属性的上限 {limits.DOC_PROPERTY_MAX} 个字。"
                  "请缩短（通报标题一般不超过 50 个字）。", header)
    cut = limits.folder_name_cut(ledger)
    if cut is not None:
        key, name = cut
        header = table.spec.column(key).header
        cell = table.fields.get(key)
        out.warn("folder-name-cut", table.title, cell.coord if cell else "",
                 f"〔{header}〕太长，输出文件夹名只能用前面一部分：“{name}”（文件夹名最多 {limits.NAME_MAX_BYTES} 字节）。"
                 "不影响文档内容；如需完整的文件夹名，请缩短。", header)
