"""check_workbook: raw workbook -> findings and, when there are no errors, the typed Ledger."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from pipeline.findings import ERROR, WARNING, Collector, Finding
from pipeline.ledger import placeholders as figures
from pipeline.ledger import schema, wording
from pipeline.ledger.convert import REPEATED_PUNCT_RE, _Converter, report_aliases
from pipeline.ledger.model import Document, Inspection, Ledger, Measure, Paragraph, Problem
from pipeline.ledger.numbering import NumberingScheme, title_choice
from pipeline.ledger.reader import RawCell, RawRow, RawTable, RawWorkbook
from pipeline.ledger.rules import (
    _TITLE_KEYS,
    _check_deadlines,
    _check_declared,
    _check_doc_number,
    _check_figures_available,
    _check_ids,
    _check_internal,
    _check_layout,
    _check_narrative_text,
    _check_placeholders,
    _check_printed_gaps,
    _check_references,
    _check_status_consistency,
    _split_ids,
    resolve_deadlines,
)
from pipeline.ledger.similar import check_similar
from pipeline.text.dates import LooseDate, WrittenDeadline
from pipeline.text.punct import find_halfwidth_punct, is_chinese, normalize_punct, split_paragraphs, strip_typed_number


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

    def with_findings(self, extra: Iterable[Finding]) -> "CheckResult":
        """This result with more findings (a later stage's preflight); an error among them drops the ledger."""
        findings = self.findings + tuple(extra)
        ledger = None if any(f.level == ERROR for f in findings) else self.ledger
        return CheckResult(ledger=ledger, findings=findings)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors


def _missing_structure(wb: RawWorkbook, out: Collector) -> None:
    for spec in schema.SHEETS:
        table = wb.tables.get(spec.key)
        if table is None:
            have = "、".join(wb.sheet_names)
            out.error(
                "missing-sheet",
                spec.name,
                "",
                f"找不到“{spec.name}”工作表（现有：{have}）。"
                f"请按空白台账（rectify init）恢复该表，或把对应的表改名为“{spec.name}”。",
            )
            continue
        for col in table.missing_columns():
            if spec.keyvalue:
                out.error(
                    "missing-column",
                    table.title,
                    "",
                    f"缺少“{col.header}”一行。请在 A 列添加“{col.header}”，在 B 列填写内容。",
                    col.header,
                )
            else:
                out.error(
                    "missing-column",
                    table.title,
                    f"{table.header_row or 1}:{table.header_row or 1}",
                    f"找不到列“{col.header}”。请在表头行添加这一列（列名须与空白台账一致）。",
                    col.header,
                )


def _check_strings(table: RawTable, key: str, cell: RawCell | None, value: Any, out: Collector) -> None:
    """Warnings about text the documents will print: half-width punctuation, doubled marks."""
    if cell is None or not isinstance(value, str) or not value:
        return
    col = table.spec.column(key)
    if col.kind not in (schema.TEXT, schema.LONGTEXT) or not any(is_chinese(ch) for ch in value):
        return
    marks = find_halfwidth_punct(value)
    if marks:
        shown = "".join(dict.fromkeys(ch for _, ch in marks))
        out.warn(
            "halfwidth-punct",
            table.title,
            cell.coord,
            f"〔{col.header}〕中文之间有半角标点“{shown}”。生成文档时会自动改为全角；如需保留原样，请检查生成结果。",
            col.header,
        )
    m = REPEATED_PUNCT_RE.search(value)
    if m:
        out.warn(
            "repeated-punct",
            table.title,
            cell.coord,
            f"〔{col.header}〕有重复的标点“{m.group(0)}”（“…{value[max(0, m.start() - 6) : m.end() + 4]}…”）。"
            "请确认是否多打了一个。",
            col.header,
        )


def _rows(table: RawTable | None, out: Collector) -> list[tuple[RawRow, dict[str, Any]]]:
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
        status_cell = row.get("status")
        alias = conv.aliased.get(status_cell.coord) if status_cell is not None else None
        values["status_text"] = alias[0] if alias else ""
        result.append((row, values))
    report_aliases(table, conv.aliased, out)
    return result


_LOOSE_KEYS = ("start", "end", "feedback")


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


def _strip_number(table: RawTable, cell: RawCell | None, key: str, value: str | None, out: Collector) -> str | None:
    """A heading without the number a clerk typed before it (the notice numbers it), with a warning."""
    if not value:
        return value
    stripped, removed = strip_typed_number(value)
    # A merged block is one cell in Excel: warn at its top-left cell only (the covered cells cannot be selected).
    if removed and cell is not None and (not cell.origin or cell.origin == cell.coord):
        header = table.spec.column(key).header
        out.warn(
            "typed-numbering",
            table.title,
            cell.coord,
            f"〔{header}〕开头的编号“{removed}”已去掉：通报按编号方式自动编号，否则会印成“{removed}{removed}”。"
            f"请在台账中删去这个编号。",
            header,
        )
    return stripped


def _warn_typed_number_in_text(
    table: RawTable, cell: RawCell | None, key: str, value: str | None, out: Collector
) -> None:
    """A number typed at the start of running text (正文 内容, 整改进展) is printed as typed: said, not removed
    (the text may mean it), so that a doubled 一是一是 or 1.1. is not published unnoticed."""
    if not value or cell is None or (cell.origin and cell.origin != cell.coord):
        return
    _, removed = strip_typed_number(value)
    if removed:
        header = table.spec.column(key).header
        out.warn(
            "typed-numbering",
            table.title,
            cell.coord,
            f"〔{header}〕以编号“{removed}”开头，通报中照印。通报会自动给段落编号（如“一是”“（一）”），"
            f"如果这个编号是手填的，请删去，否则可能印成两个编号；是正文本身的一部分则可以不理会。",
            header,
        )


def _check_notice_settings(table: RawTable, values: dict[str, Any], out: Collector) -> None:
    """编号方式, the section titles and 导语: valid values, no typed numbers, known placeholders."""
    cells = table.fields
    if values.get("numbering"):
        try:
            NumberingScheme.parse(values["numbering"])
        except ValueError as e:
            out.error(
                "bad-numbering",
                table.title,
                cells["numbering"].coord,
                f"〔编号方式〕{e}。请从下拉列表中选择，或按“填写说明”表中的格式填写。",
                "编号方式",
            )
            values["numbering"] = ""
    for key in _TITLE_KEYS:
        printed, title = title_choice(values.get(key) or "")
        if printed and title:
            values[key] = _strip_number(table, cells.get(key), key, values[key], out)
    _check_wording(table, values, out)
    for key in ("opening", *_TITLE_KEYS):
        for name in figures.unknown(values.get(key) or ""):
            header = table.spec.column(key).header
            out.error(
                "unknown-placeholder",
                table.title,
                cells[key].coord,
                f"〔{header}〕中的占位符“{name}”无法识别。可用的占位符：{figures.allowed_list()}。"
                "如果要印出花括号本身，请改用其他符号。",
                header,
            )


_STATUS_LINE_KEYS = ("status_position", "status_label", "status_stop", "status_words")


def _check_wording(table: RawTable, values: dict[str, Any], out: Collector) -> None:
    """Issue 20's wording rows: label patterns hold their own placeholder, status words name statuses, the
    rate's decimals are 0–4; status-line rows without 印出整改状态 do nothing (a warning says so)."""
    cells = table.fields

    def error(key: str, problem: str, advice: str) -> None:
        header = table.spec.column(key).header
        out.error("bad-wording", table.title, cells[key].coord, f"〔{header}〕{problem}。{advice}", header)

    for key in wording.PATTERN_SLOTS:
        if values.get(key):
            problem = wording.check_pattern(key, values[key])
            if problem:
                error(key, problem, f"请改为如“{table.spec.column(key).example}”的写法；不需要时留空。")
                values[key] = ""
    if values.get("status_words"):
        _, problems = wording.parse_status_words(values["status_words"])
        if problems:
            error(
                "status_words",
                "；".join(problems),
                "请写成“已完成=已整改到位；取得阶段性成效=基本完成”，等号前是固定的整改状态。",
            )
            values["status_words"] = ""
    digits = values.get("rate_digits")
    if digits is not None and not 0 <= digits <= 4:
        error("rate_digits", f"“{digits}”超出范围", "请填写 0 至 4 之间的整数，或留空（印到整数）。")
        values["rate_digits"] = None
    if values.get("show_status") != schema.YES:
        for key in _STATUS_LINE_KEYS:
            cell = cells.get(key)
            if cell is not None and not cell.empty:
                header = table.spec.column(key).header
                out.warn(
                    "status-line-off",
                    table.title,
                    cell.coord,
                    f"〔{header}〕只在〔印出整改状态〕为“是”时起作用，现在通报中不印状态行。"
                    "需要状态行时请把〔印出整改状态〕改为“是”，否则可以清空这一格。",
                    header,
                )


def _inspection(table: RawTable | None, out: Collector) -> Inspection | None:
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
            out.error(
                "date-order",
                table.title,
                cells[b].coord,
                f"〔{table.spec.column(b).header}〕{when[b].text()} 早于"
                f"〔{table.spec.column(a).header}〕{when[a].text()}。请核对这两个日期。",
                table.spec.column(b).header,
            )
    for key in _LOOSE_KEYS:
        values[key] = when[key].last
        values[f"{key}_as_written"] = None if when[key].exact else when[key]
    values["kind"] = kind_of(table)
    values["show_status"] = values["show_status"] == schema.YES
    for key in ("runin_basic", "runin_plans", "status_position"):
        values[key] = values[key] or ""
    values["own_status_words"] = values["own_status_words"] == schema.YES
    texts = {
        k: (v if v is not None else "")
        for k, v in values.items()
        if k in table.spec.columns_by_key and table.spec.column(k).kind in (schema.TEXT, schema.LONGTEXT)
    }
    where = {k: (table.title, c.coord) for k, c in cells.items() if c is not None and not c.empty}
    return Inspection(**{**values, **texts}, cells=where)


def check_workbook(wb: RawWorkbook) -> CheckResult:
    """Type every value of the raw workbook and run every check; all findings at once."""
    out = Collector()
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
        assert ptable is not None  # rows come from the table
        for key in ("aspect", "heading", "item"):
            v[key] = _strip_number(ptable, r.get(key), key, v[key], out)
        aspect_cell = r.get("aspect")
        if scheme.aspect.shown and not v["aspect"] and aspect_cell is not None:
            out.error(
                "required-missing",
                ptable.title,
                aspect_cell.coord,
                "〔方面〕必须填写：编号方式“" + (scheme.name or scheme.pattern) + "”按方面分组。"
                "请填写这个问题所属的方面，或在基本信息的〔编号方式〕中选择“无方面”。",
                "方面",
            )
    if ptable is not None and scheme.aspect.shown and "aspect" not in ptable.columns:
        out.error(
            "missing-column",
            ptable.title,
            f"{ptable.header_row or 1}:{ptable.header_row or 1}",
            "找不到列“方面”。请在表头行添加这一列；编号方式为“无方面”时可以没有这一列。",
            "方面",
        )
    for r, v in narrative_rows:
        assert ntable is not None  # rows come from the table
        v["heading"] = _strip_number(ntable, r.get("heading"), "heading", v["heading"], out)
        _warn_typed_number_in_text(ntable, r.get("text"), "text", v["text"], out)
    for r, v in problem_rows:
        assert ptable is not None  # rows come from the table
        _warn_typed_number_in_text(ptable, r.get("progress"), "progress", v["progress"], out)
    problems = [
        # Groups are formed on the text as printed, so "(甲)" and "（甲）" are one aspect.
        Problem(
            id=v["id"],
            aspect=normalize_punct(v["aspect"] or ""),
            heading=normalize_punct(v["heading"]),
            item=v["item"] or "",
            progress=tuple(split_paragraphs(v["progress"] or "")),
            status=v["status"],
            public=(v["public"] != schema.NO),
            row=r.row,
            status_text=v["status_text"],
        )
        for r, v in problem_rows
        if all(v[k] is not None for k in ("id", "heading", "progress", "status"))
    ]
    if inspection is not None:
        resolve_deadlines(tables.get("measures"), measure_rows, inspection, out)
    measures = [
        Measure(
            id=v["id"],
            problem_id=v["problem_id"],
            action=v["action"],
            target=v["target"] or "",
            leader=v["leader"],
            department=v["department"],
            partner=v["partner"] or "",
            deadline=None
            if v["deadline"] == schema.STATUS_LONG_TERM
            else (v["deadline"].day if isinstance(v["deadline"], WrittenDeadline) else v["deadline"]),
            result=v["result"] or "",
            status=v["status"],
            row=r.row,
            deadline_text=v["deadline"].text if isinstance(v["deadline"], WrittenDeadline) else "",
            status_text=v["status_text"],
        )
        for r, v in measure_rows
        if all(v[c.key] is not None for c in schema.MEASURES.columns if c.required)
    ]
    _check_narrative_text(ntable, narrative_rows, out)
    narrative = [
        Paragraph(section=v["section"], heading=v["heading"] or "", text=v["text"] or "", row=r.row)
        for r, v in narrative_rows
        if v["section"] is not None and (v["text"] or v["heading"])
    ]
    documents = [
        Document(name=v["name"], kind=v["kind"], date=v["date"], problem_ids=_split_ids(v["problem_ids"]), row=r.row)
        for r, v in document_rows
        if v["name"] is not None and v["kind"] is not None
    ]

    if ptable is not None and not problem_rows:
        declared = info_table.fields.get("declared_problems") if info_table is not None else None
        if declared is not None and not declared.empty:
            out.warn(
                "totals-only",
                ptable.title,
                "",
                "“问题”表中没有具体问题，通报只印基本信息中填写的总数（反馈问题数等），不印逐条的整改进展。"
                "如需逐条公布，请在“问题”表中填写。",
            )
        else:
            out.error(
                "no-problems",
                ptable.title,
                "",
                "“问题”表中没有任何问题。请至少填写一个具体问题；只公布总数的通报请在基本信息中填写〔反馈问题数〕"
                "（以及按整改状态的问题数）。",
            )
    _check_ids(tables.get("problems"), problem_rows, out)
    _check_ids(tables.get("measures"), measure_rows, out)
    _check_references(tables, problem_rows, measure_rows, document_rows, out)
    _check_placeholders(tables.get("narrative"), narrative_rows, out)
    if inspection is not None:
        _check_deadlines(tables.get("measures"), measure_rows, inspection, out)
    _check_status_consistency(tables, problem_rows, measure_rows, out)
    _check_layout(tables, problem_rows, narrative_rows, out, inspection)
    if scheme.aspect.shown:
        check_similar(ptable, problem_rows, "aspect", out)
    check_similar(ptable, problem_rows, "heading", out, scope="aspect")
    check_similar(tables.get("measures"), measure_rows, "leader", out)
    check_similar(tables.get("measures"), measure_rows, "department", out)

    ledger = None
    if inspection is not None:
        ledger = Ledger(
            inspection=inspection,
            problems=tuple(problems),
            measures=tuple(measures),
            narrative=tuple(narrative),
            documents=tuple(documents),
        )
        _check_declared(
            info_table,
            tables,
            {"problems": problem_rows, "measures": measure_rows, "documents": document_rows},
            ledger,
            out,
        )
        _check_internal(ptable, ledger, out)
        _check_figures_available(info_table, ntable, narrative_rows, ledger, out)
        _check_printed_gaps(info_table, ptable, ntable, narrative_rows, ledger, out)
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


def field_finding(ledger: Ledger, level: str, code: str, key: str, message: str) -> Finding:
    """A finding at the 基本信息 cell of field `key`, for a later stage's preflight (document property lengths,
    folder names): `message` may hold {header}, the field's name as the ledger's kind words it."""
    info = ledger.inspection
    sheet, coord = info.cells.get(key, (schema.INFO.name, ""))
    header = schema.INFO.column(key).header
    return _for_kind(Finding(level, code, sheet, coord, message.replace("{header}", header), header), info.kind)
