"""The ledger's consistency rules, each reporting findings at the cells concerned."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pipeline.findings import Collector
from pipeline.ledger import placeholders as figures
from pipeline.ledger import schema
from pipeline.ledger.model import Inspection, Ledger
from pipeline.ledger.numbering import NumberingScheme, title_choice
from pipeline.ledger.reader import RawRow, RawTable
from pipeline.text.dates import DEADLINE_AT_ONCE, WrittenDeadline, format_date, parse_written_deadline
from pipeline.text.names import correct_doc_number
from pipeline.text.punct import normalize_punct

# The code of the warning about skeleton text in a part only other documents print (api refuses to build
# those documents while it stands).
SKELETON_PENDING = "skeleton-text-pending"  # (written as a literal where it is emitted: the code scan reads it)
_TITLE_KEYS = ("title_basic", "title_progress", "title_plans", "title_closing")


def _check_narrative_text(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], out: Collector) -> None:
    """A 正文 row needs 内容, unless it is a heading of its own (小标题 filled, 内容 empty); the blank
    ledger's skeleton text must be rewritten before it is printed."""
    if table is None:
        return
    for row, v in rows:
        for key in ("heading", "text"):
            if schema.REWRITE_MARK in (v.get(key) or ""):
                header = table.spec.column(key).header
                if v["section"] in schema.CYCLE_SECTIONS:
                    # printed only by another document (整改方案 …): the build of that document refuses it
                    out.warn(
                        "skeleton-text-pending",  # SKELETON_PENDING
                        table.title,
                        _cell(table, row, key),
                        f"〔{header}〕还是空白台账预填的示范文字（含“{schema.REWRITE_MARK}”，部分“{v['section']}”）。"
                        "生成通报不受影响；生成用到这一部分的文档（整改方案、整改情况报告）前，请按本单位实际改写，"
                        f"删去“{schema.REWRITE_MARK}”；不需要的段落请整行删除。",
                        header,
                    )
                    continue
                out.error(
                    "skeleton-text",
                    table.title,
                    _cell(table, row, key),
                    f"〔{header}〕还是空白台账预填的示范文字（含“{schema.REWRITE_MARK}”）。请按本单位实际改写，"
                    f"删去“{schema.REWRITE_MARK}”；不需要的段落请整行删除。",
                    header,
                )
        cell = row.get("text")
        if v["text"] is None and not v["heading"] and (cell is None or cell.empty):
            header = table.spec.column("text").header
            out.error(
                "required-missing",
                table.title,
                _cell(table, row, "text"),
                f"〔{header}〕必须填写（只填〔小标题〕、不填内容的一行是单独成行的标题）。",
                header,
            )


def _check_figures_available(
    info_table: RawTable | None,
    ntable: RawTable | None,
    narrative_rows: list[tuple[RawRow, dict[str, Any]]],
    ledger: Ledger,
    out: Collector,
) -> None:
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
        for m in figures.PLACEHOLDER_RE.finditer(text):
            if figures.canonical(m.group(1)) in figures.BY_STATUS:
                header = table.spec.column(key).header
                out.error(
                    "figure-unavailable",
                    table.title,
                    coord,
                    f"〔{header}〕用了占位符“{m.group(0)}”，但“问题”表中没有具体问题，基本信息中也没有填写按整改状态的"
                    "问题数，无法计算。请在基本信息中填写〔已完成问题数〕等四项，或删去这个占位符。",
                    header,
                )


def _split_ids(text: str | None) -> tuple[str, ...]:
    """A list of problem ids as typed: separated by 、 , ， ; ； or spaces."""
    return tuple(x for x in re.split(r"[、,，;；\s]+", text or "") if x)


def _cell(table: RawTable, row: RawRow, key: str) -> str:
    cell = row.get(key)
    return cell.coord if cell else f"{row.row}:{row.row}"


def _check_ids(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], out: Collector) -> None:
    if table is None:
        return
    seen: dict[str, RawRow] = {}
    for row, v in rows:
        ident = v.get("id")
        if ident is None:
            continue
        if ident in seen:
            out.error(
                "duplicate-id",
                table.title,
                _cell(table, row, "id"),
                f"〔编号〕“{ident}”与第 {seen[ident].row} 行重复。每行的编号必须唯一，请改为未用过的编号。",
                "编号",
            )
        else:
            seen[ident] = row


def _check_references(
    tables: dict[str, RawTable],
    problem_rows: list[tuple[RawRow, dict[str, Any]]],
    measure_rows: list[tuple[RawRow, dict[str, Any]]],
    document_rows: list[tuple[RawRow, dict[str, Any]]],
    out: Collector,
) -> None:
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
                out.error(
                    "unknown-problem",
                    mtable.title,
                    _cell(mtable, row, "problem_id"),
                    f"〔问题编号〕“{pid}”在“{ptable.title}”表中不存在。请填写该措施所属问题的编号。",
                    "问题编号",
                )
    if ptable is not None and mtable is not None:
        for row, v in problem_rows:
            if v["id"] is not None and v["id"] not in referenced:
                out.error(
                    "problem-without-measure",
                    ptable.title,
                    _cell(ptable, row, "id"),
                    f"问题“{v['id']}”没有任何整改措施。请在“{mtable.title}”表中为它添加至少一条措施"
                    f"（〔问题编号〕填 {v['id']}）。",
                    "编号",
                )
    if dtable is not None and ptable is not None:
        for row, v in document_rows:
            for pid in _split_ids(v["problem_ids"]):
                if pid not in problem_ids:
                    out.warn(
                        "unknown-problem",
                        dtable.title,
                        _cell(dtable, row, "problem_ids"),
                        f"〔问题编号〕“{pid}”在“{ptable.title}”表中不存在。请核对编号。",
                        "问题编号",
                    )


def _check_placeholders(table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], out: Collector) -> None:
    if table is None:
        return
    for row, v in rows:
        for key in ("heading", "text"):
            for name in figures.unknown(v.get(key) or ""):
                header = table.spec.column(key).header
                out.error(
                    "unknown-placeholder",
                    table.title,
                    _cell(table, row, key),
                    f"〔{header}〕中的占位符“{name}”无法识别。可用的占位符：{figures.allowed_list()}。"
                    "如果要印出花括号本身，请改用其他符号。",
                    header,
                )


def resolve_deadlines(
    table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], info: Inspection, out: Collector
) -> None:
    """Give the deadlines that need the feedback date (立行立改, 12月底前, 第四季度) their day, and say at the
    first cell of each such wording which year was assumed (the other cells written the same are counted)."""
    if table is None:
        return
    feedback = info.when("feedback")
    assumed: dict[str, list[str]] = {}
    for row, v in rows:
        written = v["deadline"]
        if not isinstance(written, WrittenDeadline) or not written.needs_feedback:
            continue
        v["deadline"] = resolved = parse_written_deadline(written.text, feedback)
        if resolved is not None and resolved.year_assumed:
            assumed.setdefault(resolved.text, []).append(_cell(table, row, "deadline"))
    for text, cells in assumed.items():
        day = parse_written_deadline(text, feedback)
        assert day is not None and day.day is not None  # resolved above
        more = cells[1:]
        also = ""
        if more:
            shown = "、".join(more[:5]) + ("等" if len(more) > 5 else "")
            also = f"另有 {len(more)} 处同样的写法（{shown}），同样处理。"
        out.warn(
            "deadline-year-assumed",
            table.title,
            cells[0],
            f"〔完成时限〕“{text}”没有写年份，取反馈日期 {feedback.text()} 之后最近的一个，即到 "
            f"{format_date(day.day)} 为止（检查和督办清单按这一天计算，文档照原样印“{text}”）。"
            f"如果不是这一年，请写上年份，如“{_with_year(text, day.day.year + 1)}”。{also}",
            "完成时限",
        )


def _with_year(text: str, year: int) -> str:
    """年底前 → 2025年底前, 第四季度 → 2025年第四季度, 今年年底前 → 2025年年底前."""
    text = re.sub(r"^(?:今年|本年|当年)", "", text.strip())
    return f"{year}{text}" if text.startswith("年") else f"{year}年{text}"


def _deadline_words(written: Any, day: date, info: Inspection) -> str:
    """A deadline as the messages name it: 2024-12-31, or “2024年12月底前”（按 2024-12-31 计）."""
    if not isinstance(written, WrittenDeadline):
        return f"{day:%Y-%m-%d}"
    if written.kind == DEADLINE_AT_ONCE:
        return f"“{written.text}”（按反馈日期 {info.when('feedback').text()} 计）"
    return f"“{written.text}”（按 {day:%Y-%m-%d} 计）"


def _gap(shown: str) -> str:
    return "" if shown.endswith("）") else " "


def _check_deadlines(
    table: RawTable | None, rows: list[tuple[RawRow, dict[str, Any]]], info: Inspection, out: Collector
) -> None:
    if table is None:
        return
    for row, v in rows:
        deadline = v["deadline"].day if isinstance(v["deadline"], WrittenDeadline) else v["deadline"]
        if not isinstance(deadline, date):
            continue
        where = (table.title, _cell(table, row, "deadline"))
        feedback = info.when("feedback")
        shown = _deadline_words(v["deadline"], deadline, info)
        if deadline < feedback.first:
            out.error(
                "deadline-before-feedback",
                *where,
                f"〔完成时限〕{shown}{_gap(shown)}早于反馈日期 {feedback.text()}。整改措施的时限应在反馈之后，请核对。",
                "完成时限",
            )
        elif deadline < info.issued and v["status"] not in (schema.STATUS_DONE, None):
            out.warn(
                "deadline-passed",
                *where,
                f"〔完成时限〕{shown}{_gap(shown)}在成文日期 {info.issued:%Y-%m-%d} 之前已到期，"
                f"但状态是“{v['status']}”。已完成的请把同一行的〔状态〕改为“已完成”；未完成的请在〔完成情况〕中写明原因"
                "和新的安排。",
                "完成时限",
            )


def _check_status_consistency(
    tables: dict[str, RawTable],
    problem_rows: list[tuple[RawRow, dict[str, Any]]],
    measure_rows: list[tuple[RawRow, dict[str, Any]]],
    out: Collector,
) -> None:
    ptable, mtable = tables.get("problems"), tables.get("measures")
    if ptable is None or mtable is None:
        return
    finished = schema.FINISHED
    open_measures: dict[str, list[str]] = {}
    for _, v in measure_rows:
        if v["problem_id"] is not None and v["status"] is not None and v["status"] not in finished:
            open_measures.setdefault(v["problem_id"], []).append(str(v["id"]))
    for row, v in problem_rows:
        if v["status"] == schema.STATUS_DONE and v["id"] in open_measures:
            ids = "、".join(open_measures[v["id"]])
            out.warn(
                "done-with-open-measure",
                ptable.title,
                _cell(ptable, row, "status"),
                f"问题“{v['id']}”标为“已完成”，但它的措施（编号 {ids}）尚未完成。请核对问题或措施的状态。",
                "整改状态",
            )


def _check_layout(
    tables: dict[str, RawTable],
    problem_rows: list[tuple[RawRow, dict[str, Any]]],
    narrative_rows: list[tuple[RawRow, dict[str, Any]]],
    out: Collector,
    inspection: Inspection | None = None,
) -> None:
    """Warnings about what would print oddly: an empty notice section, an unlabelled item among labelled ones."""
    ntable = tables.get("narrative")
    if ntable is not None:
        present = {v["section"] for _, v in narrative_rows}
        fields = {
            schema.SECTION_BASIC: ("title_basic", "整改工作基本情况"),
            schema.SECTION_PLANS: ("title_plans", "今后整改工作打算"),
        }
        for section, (key, default) in fields.items():
            printed, title = title_choice(getattr(inspection, key) if inspection is not None else "")
            if printed and section not in present:
                shown = f"“{title or default}”" if title != "" else "这一部分"
                out.warn(
                    "empty-section",
                    ntable.title,
                    "",
                    f"没有“部分”为“{section}”的段落，通报中{shown}下将没有内容。请补充相应段落，"
                    f"或在基本信息的〔{schema.INFO.column(key).header}〕中填“不印”。",
                    "部分",
                )
    ptable = tables.get("problems")
    if ptable is None:
        return
    groups: dict[tuple[str, str], list[tuple[RawRow, dict[str, Any]]]] = {}
    for row, v in problem_rows:
        if v["aspect"] and v["heading"]:
            group = (normalize_punct(v["aspect"]), normalize_punct(v["heading"]))
            groups.setdefault(group, []).append((row, v))
    for rows in groups.values():
        if any(v["item"] for _, v in rows):
            for row, v in rows:
                if not v["item"]:
                    out.warn(
                        "missing-item",
                        ptable.title,
                        _cell(ptable, row, "item"),
                        "同一问题下其他行填写了〔具体问题〕，这一行却空着：它的整改进展会排在上一个“×是”之后，"
                        "看起来像是上一条的内容。请填写具体问题，或把进展并入相应的行。",
                        "具体问题",
                    )


def _check_doc_number(table: RawTable | None, out: Collector) -> None:
    """发文字号 in the standard form: the year in 〔〕 (not [] 【】 or ()), no 第, no leading zeros."""
    cell = table.fields.get("doc_number") if table is not None else None
    if cell is None or cell.empty or not isinstance(cell.value, str):
        return
    assert table is not None  # the cell came from it
    typed = cell.value.strip()
    header = table.spec.column("doc_number").header
    corrected = correct_doc_number(typed)
    if corrected is None:
        out.warn(
            "doc-number-form",
            table.title,
            cell.coord,
            f"〔{header}〕“{typed}”不是规范的发文字号格式。应为机关代字、年份和序号，"
            "如“东工党〔2024〕12号”：年份用六角括号〔〕，不加“第”，序号不编虚位。",
            header,
        )
    elif corrected != typed:
        out.warn(
            "doc-number-form",
            table.title,
            cell.coord,
            f"〔{header}〕“{typed}”应写作“{corrected}”：年份用六角括号〔〕，不加“第”，序号不编虚位（如 1 不写作 01）。",
            header,
        )


def _check_declared(
    table: RawTable | None,
    tables: dict[str, RawTable],
    rows: dict[str, list[tuple[RawRow, dict[str, Any]]]],
    ledger: Ledger,
    out: Collector,
) -> None:
    """A declared total that differs from the rows: a warning that says which rows it counted (and how many
    of them have errors). A sheet that is missing or lacks a required column is not counted at all: its
    count would mislead (the missing column is reported first)."""
    if table is None:
        return
    counts = ledger.counts
    pairs = [
        ("declared_aspects", counts.aspects_declared, counts.aspects_counted, "problems", "个方面"),
        ("declared_problems", counts.problems_declared, counts.problems_counted, "problems", "个具体问题"),
        ("declared_measures", counts.measures_declared, counts.measures_counted, "measures", "条措施"),
        ("declared_documents", counts.documents_declared, counts.documents_counted, "documents", "个文件"),
    ]
    if not NumberingScheme.parse(ledger.inspection.numbering).aspect.shown:
        pairs = pairs[1:]  # no 方面 level: the declared number is the only one there is, not a mismatch
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
        listed = (
            f"“{sheet.title}”表中有 {data_rows} 行，其中 {bad} 行有错误（见上），其余 {counted} 行列出 {counted} {unit}"
            if bad > 0
            else f"“{sheet.title}”表中列出了 {counted} {unit}"
        )
        out.warn(
            "declared-total-mismatch",
            table.title,
            table.fields[key].coord,
            f"〔{header}〕填写 {declared}，但{listed}。通报中将使用填写的 {declared}；如需按表格统计，请清空此项。",
            header,
        )


def _check_internal(table: RawTable | None, ledger: Ledger, out: Collector) -> None:
    """Problems marked not public: said once, so the clerk knows why the notice's total lists fewer."""
    internal = [p for p in ledger.problems if not p.public]
    if table is None or not internal:
        return
    ids = "、".join(p.id for p in internal[:10]) + ("等" if len(internal) > 10 else "")
    out.warn(
        "internal-problems",
        table.title,
        "",
        f"{len(internal)} 个问题标为不公开（编号 {ids}）：计入通报中的问题总数和统计，只列入三个清单，"
        "不在通报中逐条列出。",
        "是否公开",
    )


def _check_printed_gaps(
    info_table: RawTable | None,
    ptable: RawTable | None,
    ntable: RawTable | None,
    narrative_rows: list[tuple[RawRow, dict[str, Any]]],
    ledger: Ledger,
    out: Collector,
) -> None:
    """What would print as a gap or a zero nobody meant: a 版头 without its 发文字号, a 制度文件 figure of 0, a
    progress section with no public problem under its heading."""
    info = ledger.inspection
    cell = info_table.fields.get("red_header") if info_table is not None else None
    if info.red_header == schema.YES and not info.doc_number and info_table is not None and cell is not None:
        out.warn(
            "red-header-without-number",
            info_table.title,
            cell.coord,
            "〔版头〕选了“是”，但〔发文字号〕没有填写：版头中发文字号的一行会是空行。"
            "请填写发文字号（如“东工党〔2024〕12号”），或把〔版头〕改为“否”。",
            "版头",
        )
    if ntable is not None and ledger.counts.documents == 0:
        for row, v in narrative_rows:
            for key in ("heading", "text"):
                names = {figures.canonical(m.group(1)) for m in figures.PLACEHOLDER_RE.finditer(v.get(key) or "")}
                if "制度文件数" in names:
                    header = ntable.spec.column(key).header
                    out.warn(
                        "zero-figure",
                        ntable.title,
                        _cell(ntable, row, key),
                        f"〔{header}〕中的{{制度文件数}}是 0（“制度文件”表中没有文件，基本信息中也没有填写〔制度文件数〕），"
                        "通报会印出“……0项”。请在“制度文件”表中填写制定或修订的制度，或改写这句话。",
                        header,
                    )
    printed, _ = title_choice(info.title_progress)
    if ptable is not None and ledger.problems and not ledger.public_problems and printed:
        out.warn(
            "no-public-problems",
            ptable.title,
            "",
            "“问题”表中的问题都标为不公开（〔是否公开〕为“否”），通报的整改落实进展部分只有标题、没有内容。"
            "请把要公布的问题改为“是”，或在基本信息的〔整改落实进展标题〕中填“不印”。",
            "是否公开",
        )
